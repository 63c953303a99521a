package org.radmfa.accounting.pgsql.internal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AccountingSink;
import org.radmfa.api.ActiveSession;
import org.radmfa.api.ActiveSessions;
import org.radmfa.api.SecretVault;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounting-Requests in PostgreSQL, with nothing lost: a record's stage completes after the COMMIT of its batch, or,
 * while the database is away or slow, after it was forced to the local spool, which is replayed in order when the
 * database is back. Inserts are idempotent on a natural key (see {@link Rows}), so a NAS's retransmit, a replay
 * after a restart, or a commit whose answer was lost is stored once. Also answers {@link ActiveSessions} from the
 * {@code active_sessions} view.
 */
@Component(service = {AccountingSink.class, ActiveSessions.class}, configurationPid = PgsqlAccountingSink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = PgsqlAccountingSink.Config.class)
public final class PgsqlAccountingSink implements AccountingSink, ActiveSessions {
    static final String PID = "org.radmfa.accounting.pgsql";
    private static final Logger LOG = LoggerFactory.getLogger(PgsqlAccountingSink.class);

    @ObjectClassDefinition(name = "radmfa accounting in PostgreSQL",
            description = "Accounting-Requests in a PostgreSQL table, spooled to local disk while the database is away")
    @interface Config {
        @AttributeDefinition(name = "JDBC URL",
                description = "jdbc:postgresql://host:port/database; the password goes in its own key, not here")
        String url() default PgsqlSettings.DEFAULT_URL;

        @AttributeDefinition(name = "User", description = "The database role; it creates and migrates its tables")
        String user() default "radmfa";

        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD,
                description = "The role's password, best sealed by the vault ({aes-gcm}...); empty for peer or "
                        + "certificate authentication. The key is .password: the leading dot keeps it out of the "
                        + "service properties that service:list shows")
        String _password() default "";

        @AttributeDefinition(name = "Spool directory",
                description = "Where records wait, fsynced, while the database is away; replayed in order")
        String spoolDirectory() default PgsqlSettings.DEFAULT_SPOOL;

        @AttributeDefinition(name = "Batch size", description = "Most records in one transaction (1..10000)")
        int batchSize() default 200;

        @AttributeDefinition(name = "Flush milliseconds",
                description = "How long the first record of a batch waits for others to join it (0..10000)")
        int flushMillis() default 5;

        @AttributeDefinition(name = "Server name",
                description = "This appliance's name, stored with each record it receives (column server), so that "
                        + "appliances sharing one database can be told apart; default the Karaf instance name "
                        + "(karaf.name) when it is not Karaf's default 'root', else the host name")
        String serverName() default "";

        @AttributeDefinition(name = "Connect timeout seconds",
                description = "Connecting and logging in may take this long, a commit three times this long; then "
                        + "the records go to the spool (1..300)")
        int connectTimeoutSeconds() default 5;
    }

    private final PgsqlSettings settings;
    private final Database database;
    private final Writer writer;
    private final ReentrantLock queryLock = new ReentrantLock();
    private Connection queryConnection;

    @Activate
    public PgsqlAccountingSink(Map<String, Object> properties,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            SecretVault vault) throws InvalidConfigurationException, IOException {
        ConfigReader config = PgsqlSettings.TYPE.read(properties);
        this.settings = PgsqlSettings.read(config);
        config.unknownKeys(PgsqlSettings.LEGACY_PASSWORD_KEY).forEach(unknown -> LOG.warn(
                "{}: key '{}' is not a PostgreSQL accounting setting and is ignored", config.source(), unknown));
        if (properties.containsKey(PgsqlSettings.LEGACY_PASSWORD_KEY)) {
            LOG.warn("{}: rename the key 'password' to '.password': without the leading dot it is also published"
                    + " as a service property of the accounting sink", config.source());
        }
        this.database = new Database(settings.url(), settings.user(), password(config, settings, vault),
                settings.connectTimeoutSeconds());
        this.writer = new Writer(database, settings.spoolDirectory(), settings.batchSize(), settings.flushMillis(),
                settings.connectTimeoutSeconds(), settings.serverName());
        LOG.info("Accounting records go to PostgreSQL {} as {} (spool {}), stored as received by server '{}'",
                settings.displayUrl(), settings.user(), settings.spoolDirectory().toAbsolutePath(),
                settings.serverName());
    }

    /** The password supplier: a sealed password is checked now and opened again at each connect, never kept. */
    private static Supplier<String> password(ConfigReader config, PgsqlSettings settings, SecretVault vault)
            throws InvalidConfigurationException {
        String configured = settings.password();
        if (!settings.passwordSealed()) {
            return () -> configured;
        }
        if (vault == null) {
            throw config.invalid(passwordKey(config), "is sealed by the vault but no vault service is running");
        }
        try {
            vault.open(configured);
        } catch (IllegalArgumentException e) {
            throw config.invalid(passwordKey(config), "is sealed, but not with this appliance's vault key");
        }
        return () -> vault.open(configured);
    }

    private static String passwordKey(ConfigReader config) {
        return config.string(".password").isEmpty() ? PgsqlSettings.LEGACY_PASSWORD_KEY : ".password";
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        writer.close();
        queryLock.lock();
        try {
            closeQueryConnection();
        } finally {
            queryLock.unlock();
        }
    }

    @Override
    public String name() {
        return "pgsql";
    }

    @Override
    public long spoolSegments() {
        return writer.spoolSegments();
    }

    @Override
    public CompletionStage<Void> store(AccountingRecord record) {
        return writer.submit(record);
    }

    @Override
    public List<ActiveSession> active() {
        queryLock.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return readActive();
                } catch (SQLException e) {
                    closeQueryConnection();
                    if (attempt == 2) {
                        throw new IllegalStateException("Active sessions cannot be read from PostgreSQL "
                                + settings.displayUrl() + ": " + Database.describe(e), e);
                    }
                }
            }
        } finally {
            queryLock.unlock();
        }
    }

    private List<ActiveSession> readActive() throws SQLException {
        if (queryConnection == null || queryConnection.isClosed()) {
            queryConnection = database.open("radmfa active sessions");
            queryConnection.setReadOnly(true);
        }
        List<ActiveSession> sessions = new ArrayList<>();
        try (PreparedStatement query = queryConnection.prepareStatement("SELECT client, session_id, user_name,"
                + " started, nas_ip, server FROM active_sessions ORDER BY started, client, session_id")) {
            query.setQueryTimeout(settings.connectTimeoutSeconds() * 3);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    sessions.add(new ActiveSession(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5), rs.getString(6)));
                }
            }
        } finally {
            Schema.rollbackQuietly(queryConnection);
        }
        return sessions;
    }

    private void closeQueryConnection() {
        if (queryConnection != null) {
            try {
                queryConnection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the active sessions connection failed: {}", e.toString());
            }
            queryConnection = null;
        }
    }

    PgsqlSettings settings() {
        return settings;
    }

    Writer writer() {
        return writer;
    }
}
