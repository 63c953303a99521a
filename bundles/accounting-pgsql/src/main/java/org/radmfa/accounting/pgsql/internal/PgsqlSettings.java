package org.radmfa.accounting.pgsql.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * The validated configuration of {@link PgsqlAccountingSink}. The password stays as configured (possibly sealed by
 * the vault); it is opened only when connecting, and {@link #toString()} never shows it.
 */
record PgsqlSettings(String url, String user, String password, Path spoolDirectory, int batchSize, int flushMillis,
        int connectTimeoutSeconds, String serverName) {

    static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/radmfa";
    static final String DEFAULT_SPOOL = "${karaf.data}/accounting-spool";
    /** The configuration type (keys, defaults, descriptions): the component's metatype definition. */
    static final ConfigType TYPE = ConfigType.of(PgsqlAccountingSink.Config.class);
    /** Before the password became private ({@code .password}); still read, with a warning. */
    static final String LEGACY_PASSWORD_KEY = "password";
    static final int MAX_SERVER_NAME = 253;
    static final String SEALED_PREFIX = "{aes-gcm}";

    static PgsqlSettings read(ConfigReader config) throws InvalidConfigurationException {
        String url = config.string("url");
        if (url.isEmpty()) {
            throw config.invalid("url", "is required and must not be empty");
        }
        if (!Database.accepts(url)) {
            throw config.invalid("url", "must start with jdbc:postgresql:");
        }
        if (url.toLowerCase(Locale.ROOT).contains("password=")) {
            throw config.invalid("url", "must not carry the password: set it with the key '.password'");
        }
        String user = config.string("user");
        if (user.isEmpty()) {
            throw config.invalid("user", "must not be empty");
        }
        String password = config.string(".password");
        if (password.isEmpty()) {
            password = config.string(LEGACY_PASSWORD_KEY, "");
        }
        String spool = config.string("spoolDirectory");
        if (spool.isEmpty()) {
            spool = DEFAULT_SPOOL;
        }
        Path spoolDirectory;
        try {
            spoolDirectory = Path.of(spool.replace("${karaf.data}", System.getProperty("karaf.data", "data")));
        } catch (RuntimeException e) {
            throw config.invalid("spoolDirectory", "'" + spool + "' is not a path");
        }
        int batchSize = config.integer("batchSize", 1, 10_000);
        int flushMillis = config.integer("flushMillis", 0, 10_000);
        int timeout = config.integer("connectTimeoutSeconds", 1, 300);
        String serverName = config.string("serverName").trim();
        if (serverName.isEmpty()) {
            serverName = defaultServerName();
        }
        if (serverName.length() > MAX_SERVER_NAME || serverName.chars().anyMatch(Character::isISOControl)) {
            throw config.invalid("serverName", "must be at most " + MAX_SERVER_NAME
                    + " characters without control characters");
        }
        return new PgsqlSettings(url, user, password, spoolDirectory, batchSize, flushMillis, timeout, serverName);
    }

    /**
     * The instance name ({@code karaf.name}) when it was set to something of its own; Karaf's default "root" is the
     * same on every appliance and says nothing, so then the host name.
     */
    static String defaultServerName() {
        String karafName = System.getProperty("karaf.name", "").trim();
        if (!karafName.isEmpty() && !"root".equals(karafName)) {
            return karafName;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "radmfa";
        }
    }

    boolean passwordSealed() {
        return password.startsWith(SEALED_PREFIX);
    }

    /** The URL without its query string, for logs. */
    String displayUrl() {
        return displayUrl(url);
    }

    static String displayUrl(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    static PgsqlSettings read(Map<String, ?> properties) throws InvalidConfigurationException {
        return read(TYPE.read(properties));
    }

    @Override
    public String toString() {
        return "PgsqlSettings[url=" + displayUrl() + ", user=" + user + ", password=" + (password.isEmpty() ? "(none)"
                : "(set)") + ", spoolDirectory=" + spoolDirectory + ", batchSize=" + batchSize + ", flushMillis="
                + flushMillis + ", connectTimeoutSeconds=" + connectTimeoutSeconds + ", serverName=" + serverName + "]";
    }
}
