package org.radmfa.accounting.pgsql.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Supplier;

import org.postgresql.Driver;

/**
 * Opens connections to the configured PostgreSQL with pgjdbc's {@link Driver} directly (no DriverManager, no
 * DataSourceFactory service: nothing to look up in OSGi). Every connection gets the connect, login and socket
 * timeouts, so that a database that is away or hangs hands the records to the spool within
 * {@code connectTimeoutSeconds} instead of blocking the writer.
 */
final class Database {
    private final String url;
    private final String user;
    private final Supplier<String> password;
    private final int timeoutSeconds;
    private final Driver driver = new Driver();

    /** @param password called at each connect, so that a sealed password is opened only at use */
    Database(String url, String user, Supplier<String> password, int timeoutSeconds) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** The URL without its query string, for logs. */
    String url() {
        return PgsqlSettings.displayUrl(url);
    }

    static boolean accepts(String url) {
        return url.startsWith("jdbc:postgresql:");
    }

    /** A new connection in manual-commit mode. */
    Connection open(String applicationName) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        String secret = password.get();
        if (secret != null && !secret.isEmpty()) {
            properties.setProperty("password", secret);
        }
        properties.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        properties.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
        // A commit that takes longer than this counts as failed: the records go to the spool (and are not stored
        // twice if the commit did happen, thanks to the natural key).
        properties.setProperty("socketTimeout", Integer.toString(timeoutSeconds * 3));
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("reWriteBatchedInserts", "true");
        properties.setProperty("ApplicationName", applicationName);
        Connection connection = driver.connect(url, properties);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + url, "08001");
        }
        connection.setAutoCommit(false);
        return connection;
    }

    /**
     * True when the error says something about the records themselves (class 22 data exception, 23 integrity
     * constraint): sending them again will fail again. Everything else (connection, shutdown, resources, timeouts,
     * a missing table) is worth retrying.
     */
    static boolean isDataError(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            String state = next.getSQLState();
            if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first line of the error, at most 200 characters. A failed batch is described by its cause: pgjdbc's
     * BatchUpdateException message spells out every row of the batch, which has no place in a log.
     */
    static String describe(SQLException e) {
        SQLException shown = e instanceof java.sql.BatchUpdateException && e.getNextException() != null
                ? e.getNextException() : e;
        String message = String.valueOf(shown.getMessage());
        if (shown instanceof java.sql.BatchUpdateException) {
            message = "a batch insert failed";
        }
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        String state = shown.getSQLState() == null ? "" : " [SQLState " + shown.getSQLState() + "]";
        return message + state;
    }
}
