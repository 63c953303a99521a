package org.radmfa.api.admin;

/** The two ordered policy lists of NPS. */
public enum PolicyKind {
    /** Where a request is handled ({@code etc/org.radmfa.crp-<name>.cfg}). */
    CONNECTION_REQUEST("org.radmfa.crp"),
    /** Who gets access ({@code etc/org.radmfa.policy-<name>.cfg}). */
    NETWORK("org.radmfa.policy");

    private final String factoryPid;

    PolicyKind(String factoryPid) {
        this.factoryPid = factoryPid;
    }

    public String factoryPid() {
        return factoryPid;
    }
}
