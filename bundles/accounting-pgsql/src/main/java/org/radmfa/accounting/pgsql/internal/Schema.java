package org.radmfa.accounting.pgsql.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's own tables, created and migrated on start. {@code radmfa_schema_version} holds one row per
 * migration applied; migrations run in one transaction under an advisory lock, so two appliances starting against
 * one database do not race, and a second start changes nothing.
 */
final class Schema {
    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);
    /** Any constant that other applications are unlikely to lock: "radmfa" in ASCII. */
    private static final long LOCK_KEY = 0x7261646d6661L;

    record Migration(int version, String description, List<String> statements) {
    }

    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "accounting_record and active_sessions", List.of(
                    """
                    CREATE TABLE accounting_record (
                        id text PRIMARY KEY,
                        received timestamptz NOT NULL,
                        client text NOT NULL,
                        source text NOT NULL,
                        status_type text NOT NULL,
                        session_id text NOT NULL,
                        user_name text,
                        nas_ip text,
                        attributes jsonb NOT NULL,
                        content_hash bytea NOT NULL,
                        stored bigint GENERATED ALWAYS AS IDENTITY,
                        CONSTRAINT accounting_record_natural_key
                            UNIQUE (client, session_id, status_type, content_hash)
                    )""",
                    "CREATE INDEX accounting_record_received ON accounting_record (received)",
                    "CREATE INDEX accounting_record_client_status ON accounting_record (client, status_type, received)",
                    """
                    CREATE VIEW active_sessions AS
                    SELECT DISTINCT ON (s.client, s.session_id)
                           s.client, s.session_id, s.user_name, s.received AS started, s.nas_ip
                      FROM accounting_record s
                     WHERE s.status_type = 'Start' AND s.session_id <> ''
                       AND NOT EXISTS (SELECT 1 FROM accounting_record e
                                        WHERE e.client = s.client AND e.session_id = s.session_id
                                          AND e.status_type = 'Stop')
                       AND NOT EXISTS (SELECT 1 FROM accounting_record r
                                        WHERE r.client = s.client
                                          AND r.status_type IN ('Accounting-On', 'Accounting-Off')
                                          AND r.received > s.received)
                     ORDER BY s.client, s.session_id, s.received""",
                    "COMMENT ON COLUMN accounting_record.content_hash IS 'SHA-256 of the attributes except "
                            + "Acct-Delay-Time, Event-Timestamp, Proxy-State, Message-Authenticator'",
                    "COMMENT ON COLUMN accounting_record.stored IS 'the order in which rows were committed'")),
            // Several appliances write one table: which one received the record (NPS logs a ComputerName). Not in
            // the natural key, so the same record received by two appliances is still stored once. The view gains
            // the appliance that received the Start, as its last column (CREATE OR REPLACE VIEW may only append).
            new Migration(2, "accounting_record.server: the appliance that received the record", List.of(
                    "ALTER TABLE accounting_record ADD COLUMN server text",
                    "COMMENT ON COLUMN accounting_record.server IS 'serverName of the appliance that received the"
                            + " record; NULL for rows stored before schema version 2'",
                    """
                    CREATE OR REPLACE VIEW active_sessions AS
                    SELECT DISTINCT ON (s.client, s.session_id)
                           s.client, s.session_id, s.user_name, s.received AS started, s.nas_ip, s.server
                      FROM accounting_record s
                     WHERE s.status_type = 'Start' AND s.session_id <> ''
                       AND NOT EXISTS (SELECT 1 FROM accounting_record e
                                        WHERE e.client = s.client AND e.session_id = s.session_id
                                          AND e.status_type = 'Stop')
                       AND NOT EXISTS (SELECT 1 FROM accounting_record r
                                        WHERE r.client = s.client
                                          AND r.status_type IN ('Accounting-On', 'Accounting-Off')
                                          AND r.received > s.received)
                     ORDER BY s.client, s.session_id, s.received""")),
            // The record id is the transport's request counter: unique within one run of one appliance only. As
            // the primary key it made a record whose id another appliance (or this one before a restart) had used
            // hit ON CONFLICT DO NOTHING and vanish. Only the natural key decides what is a duplicate now.
            new Migration(3, "accounting_record.id no longer unique: ids repeat across appliances and restarts",
                    List.of("ALTER TABLE accounting_record DROP CONSTRAINT accounting_record_pkey",
                            "ALTER TABLE accounting_record ADD CONSTRAINT accounting_record_pkey PRIMARY KEY (stored)",
                            "CREATE INDEX accounting_record_id ON accounting_record (id)",
                            "COMMENT ON COLUMN accounting_record.id IS 'the request id in the receiving appliance''s"
                                    + " logs (accounting files, audit trail); unique per run of one appliance only'")),
            // A NAS's second reboot sent an Accounting-On the same as its first but for the time: it hit the natural
            // key and was dropped. The hash of an Accounting-On/Off now covers the event's time (Rows.eventTime);
            // the key and the stored rows stay as they are, so nothing is rewritten: only the comment says so.
            new Migration(4, "accounting_record.content_hash of Accounting-On/Off covers the event time",
                    List.of("COMMENT ON COLUMN accounting_record.content_hash IS 'SHA-256 of the attributes except"
                            + " Acct-Delay-Time, Event-Timestamp, Proxy-State, Message-Authenticator; for"
                            + " Accounting-On/Off also of the event time (Event-Timestamp, else received less"
                            + " Acct-Delay-Time in 10 s steps) from schema version 4'")));

    private Schema() {
    }

    /** Brings the schema to the newest version; returns that version. Commits on success, rolls back otherwise. */
    static int migrate(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            statement.execute("CREATE TABLE IF NOT EXISTS radmfa_schema_version (version integer PRIMARY KEY,"
                    + " description text NOT NULL, applied timestamptz NOT NULL DEFAULT now())");
            int current;
            try (ResultSet rs = statement.executeQuery("SELECT coalesce(max(version), 0) FROM radmfa_schema_version")) {
                rs.next();
                current = rs.getInt(1);
            }
            int newest = current;
            for (Migration migration : MIGRATIONS) {
                if (migration.version() <= current) {
                    continue;
                }
                for (String sql : migration.statements()) {
                    statement.execute(sql);
                }
                statement.execute("INSERT INTO radmfa_schema_version (version, description) VALUES ("
                        + migration.version() + ", '" + migration.description().replace("'", "''") + "')");
                LOG.info("Accounting schema migrated to version {}: {}", migration.version(),
                        migration.description());
                newest = migration.version();
            }
            if (newest > latest()) {
                LOG.warn("Accounting schema version {} is newer than this appliance knows ({})", newest, latest());
            }
            connection.commit();
            return newest;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection);
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    static int latest() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }

    static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("Rollback failed: {}", e.toString());
        }
    }
}
