package org.radmfa.api.config;

/**
 * A configuration value that was refused. The message names the file, the key and the reason, and never the value
 * of a secret. One that only {@linkplain #waitsForVault() waits for the secret vault} is not a mistake in the file:
 * it is read again when a vault comes.
 */
public final class InvalidConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String key;
    private final String reason;
    private final boolean waitsForVault;

    public InvalidConfigurationException(String source, String key, String reason) {
        this(source, key, reason, false);
    }

    /**
     * @param waitsForVault the value is sealed and no secret vault runs to open it (yet)
     * @since 1.3
     */
    public InvalidConfigurationException(String source, String key, String reason, boolean waitsForVault) {
        super(source + ": key '" + key + "': " + reason);
        this.source = source;
        this.key = key;
        this.reason = reason;
        this.waitsForVault = waitsForVault;
    }

    /** The file the configuration came from, or its PID when it did not come from a file. */
    public String source() {
        return source;
    }

    public String key() {
        return key;
    }

    public String reason() {
        return reason;
    }

    /**
     * Whether the value is sealed ({@value ConfigChecks#SEALED}...) and only waits for a secret vault to open it: at
     * start the vault's bundle may come after the one that reads the configuration, which reads it again then.
     *
     * @since 1.3
     */
    public boolean waitsForVault() {
        return waitsForVault;
    }
}
