package org.radmfa.api.admin;

/**
 * A definition refused before anything was stored: the key and the reason, never the value of a secret.
 */
public final class InvalidDefinitionException extends AdminException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String reason;

    public InvalidDefinitionException(String key, String reason) {
        super("key '" + key + "': " + reason);
        this.key = key;
        this.reason = reason;
    }

    /** The configuration key at fault, e.g. {@code address} or {@code condition.dayAndTime}. */
    public String key() {
        return key;
    }

    public String reason() {
        return reason;
    }
}
