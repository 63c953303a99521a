package org.radmfa.api.admin;

/** The definition named does not exist. */
public final class UnknownDefinitionException extends AdminException {
    private static final long serialVersionUID = 1L;

    private final String name;

    /**
     * @param kind what was looked for, e.g. "RADIUS client"
     * @param name the name looked for
     */
    public UnknownDefinitionException(String kind, String name) {
        super("no " + kind + " named '" + name + "'");
        this.name = name;
    }

    public String name() {
        return name;
    }
}
