package org.radmfa.api.config;

/**
 * A configuration value that was refused. The message names the file, the key and the reason, and never the value
 * of a secret.
 */
public final class InvalidConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String key;
    private final String reason;

    public InvalidConfigurationException(String source, String key, String reason) {
        super(source + ": key '" + key + "': " + reason);
        this.source = source;
        this.key = key;
        this.reason = reason;
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
}
