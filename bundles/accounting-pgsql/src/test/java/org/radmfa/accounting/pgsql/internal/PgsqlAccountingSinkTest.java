package org.radmfa.accounting.pgsql.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.ActiveSession;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.SecretVault;
import org.radmfa.api.config.InvalidConfigurationException;

@ExtendWith(PostgresCluster.Extension.class)
class PgsqlAccountingSinkTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Instant BASE = Instant.parse("2026-11-25T12:00:00Z");

    private final List<PgsqlAccountingSink> sinks = new ArrayList<>();
    private PostgresCluster cluster;
    private String url;
    private String user;
    private String password;
    @TempDir
    Path spool;

    @BeforeEach
    void database(PostgresCluster cluster) throws SQLException {
        this.cluster = cluster;
        int n = DATABASES.incrementAndGet();
        user = "radmfa" + n;
        password = "pw-" + n + "-" + System.nanoTime();
        url = cluster.createDatabase("acct" + n, user, password);
    }

    @AfterEach
    void stopSinks() throws InterruptedException {
        for (PgsqlAccountingSink sink : sinks) {
            sink.deactivate();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void recordsAreStoredWithTheirAttributes() throws Exception {
        PgsqlAccountingSink sink = sink(url);
        AccountingRecord start = new AccountingRecord("ac-1", "gw", new InetSocketAddress("10.1.255.4", 1646),
                List.of(attr(40, "Acct-Status-Type", "Start"), attr(44, "Acct-Session-Id", "S-1"),
                        attr(1, "User-Name", "alice"), attr(4, "NAS-IP-Address", "10.1.255.4"),
                        attr(25, "Class", "a"), attr(25, "Class", "b"), attr(41, "Acct-Delay-Time", "0"),
                        attr(87, "NAS-Port-Id", "port\u0000with \"nul\"")),
                BASE);
        sink.store(start).toCompletableFuture().get(10, TimeUnit.SECONDS);

        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, received, client, source, status_type, session_id,"
                        + " user_name, nas_ip, attributes->>'User-Name', attributes->'Class',"
                        + " attributes->>'NAS-Port-Id' FROM accounting_record")) {
            assertTrue(rs.next(), "the record is in the table once its stage completed");
            assertEquals("ac-1", rs.getString(1));
            assertEquals(BASE, rs.getObject(2, java.time.OffsetDateTime.class).toInstant());
            assertEquals("gw", rs.getString(3));
            assertEquals("10.1.255.4:1646", rs.getString(4));
            assertEquals("Start", rs.getString(5));
            assertEquals("S-1", rs.getString(6));
            assertEquals("alice", rs.getString(7));
            assertEquals("10.1.255.4", rs.getString(8));
            assertEquals("alice", rs.getString(9));
            assertEquals("[\"a\", \"b\"]", rs.getString(10));
            assertEquals("port\uFFFDwith \"nul\"", rs.getString(11), "NUL, which PostgreSQL refuses, is replaced");
            assertFalse(rs.next());
        }
        assertEquals(1, sink.writer().committed());
        assertEquals(0, sink.writer().spooled());
    }

    @Test
    void aRetransmittedRecordIsStoredOnce() throws Exception {
        PgsqlAccountingSink sink = sink(url);
        AccountingRecord first = interim("ac-1", "gw", 1646, "S-7", "600", "0", "1795600000", BASE);
        // The NAS did not get our answer, restarted, and sent it again: new id, new source port, later arrival,
        // grown Acct-Delay-Time and a re-stamped Event-Timestamp. Same event.
        AccountingRecord again = interim("ac-2", "gw", 40001, "S-7", "600", "35", "1795600035",
                BASE.plusSeconds(35));
        // The next interim of the same session is a different event.
        AccountingRecord next = interim("ac-3", "gw", 1646, "S-7", "1200", "0", "1795600600", BASE.plusSeconds(600));
        // The same content from another client is another session.
        AccountingRecord otherClient = interim("ac-4", "gw2", 1646, "S-7", "600", "0", "1795600000", BASE);
        for (AccountingRecord r : List.of(first, again, next, otherClient, first)) {
            sink.store(r).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of("ac-1", "ac-3", "ac-4"), column("SELECT id FROM accounting_record ORDER BY stored"));
        assertArrayEquals(Rows.contentHash(first), Rows.contentHash(again));
    }

    @Test
    void anOutageInTheMiddleOfAConcurrentStreamLosesNothingAndDuplicatesNothing() throws Exception {
        PgsqlAccountingSink sink = sink(url, Map.of("batchSize", "50", "flushMillis", "2",
                "connectTimeoutSeconds", "2"));
        int threads = 8;
        int perThread = 250;
        int total = threads * perThread;
        int beforeOutage = 800;
        int duringOutage = 800;
        // Records 0..799 go while the database is up, 800..1599 while it is down, the rest after it came back.
        CountDownLatch down = new CountDownLatch(1);
        CountDownLatch back = new CountDownLatch(1);
        AtomicInteger sequence = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> receivedOrder = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            // Each sender is a NAS with one request in flight: it sends the next one when the previous is answered.
            work.add(senders.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    int seq = sequence.getAndIncrement();
                    if (seq >= beforeOutage && !down.await(30, TimeUnit.SECONDS)
                            || seq >= beforeOutage + duringOutage && !back.await(30, TimeUnit.SECONDS)) {
                        throw new AssertionError("the test did not move on");
                    }
                    AccountingRecord record = start("t" + thread + "-" + i, "nas" + thread,
                            "S-" + thread + "-" + i, BASE.plusMillis(seq));
                    receivedOrder.put(record.id(), seq);
                    sent.add(record.id());
                    sink.store(record).toCompletableFuture().get(30, TimeUnit.SECONDS);
                    completed.incrementAndGet();
                }
                return null;
            }));
        }
        awaitTrue(() -> completed.get() == beforeOutage, 30, beforeOutage + " records stored before the outage");
        long storedBefore = count("SELECT count(*) FROM accounting_record");
        long outageStart = System.nanoTime();
        cluster.stopServer(true);
        down.countDown();
        awaitTrue(() -> completed.get() == beforeOutage + duringOutage, 30,
                "records keep being acknowledged (from the spool) while the database is down");
        long spooledDuringOutage = sink.writer().spooled();
        int segments = sink.writer().spoolSegments();
        assertEquals(segments, sink.spoolSegments(), "the spool depth the metrics read");
        cluster.startServer();
        long outageMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStart);
        back.countDown();
        for (Future<?> f : work) {
            f.get(60, TimeUnit.SECONDS);
        }
        senders.shutdown();
        assertTrue(senders.awaitTermination(10, TimeUnit.SECONDS));
        long stagesMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        awaitTrue(() -> count("SELECT count(*) FROM accounting_record") == total && sink.writer().spoolEmpty(), 30,
                "the spool is replayed once the database is back");
        assertEquals(0, sink.spoolSegments());
        long drainedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertEquals(beforeOutage, storedBefore, "acknowledged before the outage means committed");
        assertTrue(spooledDuringOutage >= duringOutage, "the spool took the records during the outage");
        assertTrue(segments > 0);
        assertEquals(total, completed.get(), "every stage completed normally");
        assertEquals(total, count("SELECT count(*) FROM accounting_record"));
        assertEquals(total, count("SELECT count(DISTINCT id) FROM accounting_record"), "no duplicates");
        assertEquals(total, count("SELECT count(DISTINCT (client, session_id, status_type, content_hash))"
                + " FROM accounting_record"));
        assertEquals(new HashSet<>(sent), new HashSet<>(column("SELECT id FROM accounting_record")));
        List<String> byReceived = column("SELECT id FROM accounting_record ORDER BY received");
        List<String> expected = new ArrayList<>(sent);
        expected.sort((a, b) -> Integer.compare(receivedOrder.get(a), receivedOrder.get(b)));
        assertEquals(expected, byReceived, "rows by received equal the records sent");
        // Each NAS's records were committed in the order it sent them, through the spool or not.
        List<String> byCommit = column("SELECT id FROM accounting_record ORDER BY stored");
        for (int t = 0; t < threads; t++) {
            String prefix = "t" + t + "-";
            List<String> ofThread = byCommit.stream().filter(id -> id.startsWith(prefix)).toList();
            List<String> inOrder = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                inOrder.add(prefix + i);
            }
            assertEquals(inOrder, ofThread, "commit order of " + prefix);
        }
        System.out.printf("outage test: %d records from %d threads; sent %d, stored %d, duplicates %d; "
                + "%d acknowledged from the spool during an outage of %d ms; spooled %d, replayed %d; "
                + "all stages in %d ms, spool drained at %d ms%n", total, threads, sent.size(),
                count("SELECT count(*) FROM accounting_record"),
                total - count("SELECT count(DISTINCT id) FROM accounting_record"), duringOutage, outageMillis,
                sink.writer().spooled(), sink.writer().replayed(), stagesMillis, drainedMillis);
    }

    @Test
    void aRestartedSinkReplaysANonEmptySpoolFirst() throws Exception {
        PgsqlAccountingSink down = sink(closedPortUrl());
        for (int i = 0; i < 100; i++) {
            down.store(start("r-" + i, "gw", "S-" + i, BASE.plusMillis(i))).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        }
        assertEquals(100, down.writer().spooled());
        sinks.remove(down);
        down.deactivate();
        assertFalse(spoolFiles().isEmpty(), "the spool survives the sink");

        PgsqlAccountingSink up = sink(url);
        List<CompletableFuture<Void>> later = new ArrayList<>();
        for (int i = 100; i < 110; i++) {
            later.add(up.store(start("r-" + i, "gw", "S-" + i, BASE.plusMillis(i))).toCompletableFuture());
        }
        CompletableFuture.allOf(later.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
        awaitTrue(() -> count("SELECT count(*) FROM accounting_record") == 110 && up.writer().spoolEmpty(), 30,
                "the spool from before the restart is replayed");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 110; i++) {
            expected.add("r-" + i);
        }
        assertEquals(expected, column("SELECT id FROM accounting_record ORDER BY stored"),
                "spooled records first, in order, then the new ones");
        assertTrue(spoolFiles().isEmpty(), "the spool is gone once committed: " + spoolFiles());
    }

    /**
     * The database is back while the NAS keeps sending: the queue is never empty, yet the spool from the outage is
     * replayed while the load goes on, oldest first, and the new records follow in order. The load keeps 150 to 200
     * records queued, so the writer takes at most about 200 a round: 3,000 records take at least 15 rounds, each of
     * which replays a batch of 50 (the spool then holds more than that throughout).
     */
    @Test
    void theSpoolIsReplayedUnderSustainedLoad() throws Exception {
        Map<String, String> small = Map.of("batchSize", "50");
        PgsqlAccountingSink down = sink(closedPortUrl(), small);
        List<CompletableFuture<Void>> spooled = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            spooled.add(down.store(start("old-" + i, "gw", "O-" + i, BASE.plusMillis(i))).toCompletableFuture());
            expected.add("old-" + i);
        }
        CompletableFuture.allOf(spooled.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        sinks.remove(down);
        down.deactivate();

        PgsqlAccountingSink up = sink(url, small);
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            while (up.writer().queued() >= 200) {
                Thread.onSpinWait();
            }
            stages.add(up.store(start("new-" + i, "gw", "N-" + i, BASE.plusSeconds(10).plusMillis(i)))
                    .toCompletableFuture());
            expected.add("new-" + i);
        }
        CompletableFuture.allOf(stages.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        long replayedUnderLoad = up.writer().replayed();
        assertTrue(replayedUnderLoad >= 500, "replayed while the queue was never empty: " + replayedUnderLoad);
        awaitTrue(() -> count("SELECT count(*) FROM accounting_record") == expected.size()
                && up.writer().spoolEmpty(), 60, "every acknowledged record is stored");
        assertEquals(expected, column("SELECT id FROM accounting_record ORDER BY stored"));
    }

    @Test
    void activeSessionsFollowStartInterimAndStop() throws Exception {
        PgsqlAccountingSink sink = sink(url, Map.of("serverName", "radmfa-1"));
        store(sink, start("a1", "gw", "A", BASE));
        store(sink, start("b1", "gw", "B", BASE.plusSeconds(1)));
        store(sink, interim("a2", "gw", 1646, "A", "60", "0", "1", BASE.plusSeconds(60)));
        store(sink, record("b2", "gw", "B", "Stop", BASE.plusSeconds(70)));
        assertEquals(List.of(new ActiveSession("gw", "A", "user-A", BASE, "10.0.0.1", "radmfa-1")), sink.active());

        store(sink, start("c1", "gw2", "C", BASE.plusSeconds(80)));
        assertEquals(List.of("A", "C"), sink.active().stream().map(ActiveSession::sessionId).toList());
        // gw2 rebooted: every session it had is over.
        store(sink, record("on", "gw2", "", "Accounting-On", BASE.plusSeconds(90)));
        assertEquals(List.of("A"), sink.active().stream().map(ActiveSession::sessionId).toList());
        store(sink, record("a3", "gw", "A", "Stop", BASE.plusSeconds(100)));
        assertEquals(List.of(), sink.active());
    }

    /**
     * A NAS rebooted twice: its second Accounting-On is the first's in every attribute but Event-Timestamp. It is
     * stored, and ends the session started between the two; a retransmit of the first (grown Acct-Delay-Time) is not.
     */
    @Test
    void aSecondRebootWithItsOwnEventTimestampIsAnotherAccountingOn() throws Exception {
        PgsqlAccountingSink sink = sink(url);
        store(sink, onOff("on-1", "Accounting-On", "1795600000", "0", BASE));
        store(sink, onOff("on-1-again", "Accounting-On", "1795600000", "5", BASE.plusSeconds(5)));
        store(sink, start("s-1", "gw", "S", BASE.plusSeconds(80)));
        store(sink, onOff("on-2", "Accounting-On", "1795600090", "0", BASE.plusSeconds(90)));
        assertEquals(List.of("on-1", "on-2"),
                column("SELECT id FROM accounting_record WHERE status_type = 'Accounting-On' ORDER BY stored"));
        assertEquals(List.of(), sink.active(), "the second reboot ended the session started after the first");
    }

    /** Without Event-Timestamp the event time is the arrival less Acct-Delay-Time; Accounting-Off alike. */
    @Test
    void withoutEventTimestampTheEventTimeTellsTwoRebootsApart() throws Exception {
        PgsqlAccountingSink sink = sink(url);
        store(sink, onOff("off-1", "Accounting-Off", null, "0", BASE.minusSeconds(30)));
        store(sink, onOff("on-1", "Accounting-On", null, "0", BASE));
        // The first On again, 4 s later, with Acct-Delay-Time 4: the same event.
        store(sink, onOff("on-1-again", "Accounting-On", null, "4", BASE.plusSeconds(4)));
        store(sink, start("s-1", "gw", "S", BASE.plusSeconds(80)));
        store(sink, onOff("off-2", "Accounting-Off", null, "0", BASE.plusSeconds(85)));
        store(sink, onOff("on-2", "Accounting-On", null, "0", BASE.plusSeconds(90)));
        assertEquals(List.of("off-1", "on-1", "off-2", "on-2"), column("SELECT id FROM accounting_record"
                + " WHERE status_type IN ('Accounting-On', 'Accounting-Off') ORDER BY stored"));
        assertEquals(List.of(), sink.active());
    }

    @Test
    void activeSessionsNamesTheDatabaseWhenItIsAway() throws Exception {
        PgsqlAccountingSink sink = sink(closedPortUrl());
        IllegalStateException e = assertThrows(IllegalStateException.class, sink::active);
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
    }

    @Test
    void schemaMigrationIsIdempotentOnASecondStart() throws Exception {
        PgsqlAccountingSink first = sink(url);
        store(first, start("m1", "gw", "M1", BASE));
        sinks.remove(first);
        first.deactivate();
        PgsqlAccountingSink second = sink(url);
        store(second, start("m2", "gw", "M2", BASE.plusSeconds(1)));
        try (Connection c = connect()) {
            assertEquals(Schema.latest(), Schema.migrate(c), "a third run changes nothing either");
        }
        assertEquals(List.of("1", "2", "3", "4"),
                column("SELECT version::text FROM radmfa_schema_version ORDER BY version"));
        assertEquals(List.of("m1", "m2"), column("SELECT id FROM accounting_record ORDER BY stored"));
    }

    @Test
    void aVersion1TableMigratesAndNewRowsCarryTheServerName() throws Exception {
        // The database as an appliance of schema version 1 left it, with a row and a session in it.
        try (Connection c = cluster.superuser("acct" + DATABASES.get()); Statement s = c.createStatement()) {
            s.execute("SET ROLE " + user);
            s.execute("CREATE TABLE radmfa_schema_version (version integer PRIMARY KEY, description text NOT NULL,"
                    + " applied timestamptz NOT NULL DEFAULT now())");
            for (String sql : Schema.MIGRATIONS.get(0).statements()) {
                s.execute(sql);
            }
            s.execute("INSERT INTO radmfa_schema_version (version, description) VALUES (1, 'v1')");
            s.execute("INSERT INTO accounting_record (id, received, client, source, status_type, session_id,"
                    + " user_name, nas_ip, attributes, content_hash) VALUES ('old-1', '2026-11-25T11:00:00Z', 'gw',"
                    + " '10.0.0.1:1646',"
                    + " 'Start', 'OLD', 'user-OLD', '10.0.0.1', '{}', '\\x00')");
        }
        // A record spooled by the older version (format 1, no server name), left for the new one to replay.
        try (Spool old = new Spool(spool)) {
            old.append(List.of(start("spooled-1", "gw", "SP", BASE)), null);
        }
        // A record spooled in format 2 under another name (before a rename): it keeps the name it was received under.
        try (Spool renamed = new Spool(spool)) {
            renamed.append(List.of(start("spooled-2", "gw", "SP2", BASE.plusSeconds(1))), "appliance-old-name");
        }

        PgsqlAccountingSink sink = sink(url, Map.of("serverName", "appliance-b"));
        store(sink, start("new-1", "gw", "NEW", BASE.plusSeconds(2)));
        // This appliance's request counter after a restart: an id of the table's old row, for another record.
        store(sink, record("old-1", "gw", "NEW", "Stop", BASE.plusSeconds(3)));
        awaitTrue(() -> count("SELECT count(*) FROM accounting_record") == 5 && sink.writer().spoolEmpty(), 30,
                "the spool is replayed into the migrated table");

        assertEquals(List.of("1", "2", "3", "4"),
                column("SELECT version::text FROM radmfa_schema_version ORDER BY version"));
        assertEquals(List.of("old-1=null", "spooled-1=appliance-b", "spooled-2=appliance-old-name",
                "new-1=appliance-b", "old-1=appliance-b"),
                column("SELECT id || '=' || coalesce(server, 'null') FROM accounting_record"
                        + " ORDER BY stored"), "the old row has no server; the replaying appliance names format 1");
        assertEquals(List.of("OLD=null", "SP=appliance-b", "SP2=appliance-old-name"),
                column("SELECT session_id || '=' || coalesce(server, 'null') FROM active_sessions"
                        + " ORDER BY started"), "the view shows which appliance received the Start");
        assertEquals(List.of("OLD/null", "SP/appliance-b", "SP2/appliance-old-name"), sink.active().stream()
                .map(a -> a.sessionId() + "/" + a.server()).toList(),
                "ActiveSessions (radmfa:sessions) reads the migrated view");
    }

    @Test
    void twoAppliancesShareTheTableAndTheirRequestIdsMayRepeat() throws Exception {
        Path otherSpool = Files.createTempDirectory(spool, "other-appliance");
        PgsqlAccountingSink a = sink(url, Map.of("serverName", "appliance-a"));
        PgsqlAccountingSink b = sink(url, Map.of("serverName", "appliance-b", "spoolDirectory", otherSpool.toString()));
        // Each appliance counts its requests from 1: the same id names different records.
        store(a, start("ac-1", "gw", "X", BASE));
        store(b, interim("ac-1", "gw", 1646, "X", "60", "0", "1795600060", BASE.plusSeconds(60)));
        // The gateway failed over: the same Stop to both appliances, with new ids and a grown Acct-Delay-Time.
        AccountingRecord stop = record("ac-2", "gw", "X", "Stop", BASE.plusSeconds(120));
        store(a, stop);
        store(b, new AccountingRecord("ac-7", "gw", stop.source(), stop.attributes(), BASE.plusSeconds(125)));
        assertEquals(List.of("Start ac-1 appliance-a", "Interim-Update ac-1 appliance-b", "Stop ac-2 appliance-a"),
                column("SELECT status_type || ' ' || id || ' ' || server FROM accounting_record ORDER BY stored"));
        assertEquals(List.of(), a.active());
    }

    @Test
    void theServerNameDefaultsToTheInstanceNameUnlessItIsKarafsDefault() throws Exception {
        String before = System.getProperty("karaf.name");
        try {
            System.setProperty("karaf.name", "radmfa-7");
            assertEquals("radmfa-7", PgsqlSettings.read(config(url, Map.of())).serverName());
            assertEquals("set", PgsqlSettings.read(config(url, Map.of("serverName", " set "))).serverName());
            System.setProperty("karaf.name", "root");
            assertEquals(java.net.InetAddress.getLocalHost().getHostName(),
                    PgsqlSettings.read(config(url, Map.of())).serverName());
        } finally {
            if (before == null) {
                System.clearProperty("karaf.name");
            } else {
                System.setProperty("karaf.name", before);
            }
        }
    }

    @Test
    void badConfigurationIsRefusedNamingTheKey() {
        assertRefused(Map.of("url", "jdbc:mysql://127.0.0.1/radmfa"), "url");
        assertRefused(Map.of("url", url + "?password=" + password), "url");
        assertRefused(Map.of("user", " "), "user");
        assertRefused(Map.of("batchSize", "0"), "batchSize");
        assertRefused(Map.of("flushMillis", "soon"), "flushMillis");
        assertRefused(Map.of("connectTimeoutSeconds", "301"), "connectTimeoutSeconds");
        assertRefused(Map.of(".password", "{aes-gcm}AAAA"), ".password");
        assertRefused(Map.of("serverName", "x".repeat(254)), "serverName");
        assertRefused(Map.of("serverName", "two\nlines"), "serverName");
    }

    @Test
    void thePasswordIsPrivateAndTheKeyWithoutTheDotIsStillRead() throws Exception {
        assertTrue(PgsqlSettings.TYPE.declares(".password"));
        assertFalse(PgsqlSettings.TYPE.declares("password"), "a public key would become a service property");

        Map<String, Object> legacy = config(url, Map.of());
        legacy.put("password", legacy.remove(".password"));
        assertEquals(password, PgsqlSettings.read(legacy).password());
    }

    @Test
    void aFullDiskFailsTheStageAndSaysSo() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(captured, original), true, StandardCharsets.UTF_8));
        try {
            PgsqlAccountingSink sink = sink(closedPortUrl());
            // The next segment is /dev/full: every write fails with ENOSPC.
            Files.createSymbolicLink(spool.resolve("spool-0000000000000001.seg"), Path.of("/dev/full"));
            CompletableFuture<Void> refused = sink.store(start("f1", "gw", "F1", BASE)).toCompletableFuture();
            ExecutionExceptionCheck.assertFailsWith(refused, IOException.class);
            awaitTrue(() -> captured.toString(StandardCharsets.UTF_8).contains("Could not write 1 accounting"), 5,
                    "the failure is logged");
            assertTrue(captured.toString(StandardCharsets.UTF_8).contains("No space left on device"));
            // The disk has room again (a new segment): the next record is accepted.
            sink.store(start("f2", "gw", "F2", BASE)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(1, sink.writer().spooled());
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void thePasswordNeverAppearsInTheLog() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(captured, original), true, StandardCharsets.UTF_8));
        java.util.logging.Logger pgjdbc = java.util.logging.Logger.getLogger("org.postgresql");
        Level level = pgjdbc.getLevel();
        StringBuilder julText = new StringBuilder();
        Handler jul = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (julText) {
                    julText.append(new SimpleFormatter().format(record));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.setLevel(Level.ALL);
        pgjdbc.setLevel(Level.ALL);
        pgjdbc.addHandler(jul);
        String wrong = "wrong-" + password;
        try {
            // A wrong password: refused by the server, records spooled, the outage logged.
            PgsqlAccountingSink refused = sink(url, Map.of(".password", wrong));
            store(refused, start("p1", "gw", "P1", BASE));
            awaitTrue(() -> captured.toString(StandardCharsets.UTF_8).contains("is not usable"), 10,
                    "the refused login is logged");
            sinks.remove(refused);
            refused.deactivate();
            // The right one, sealed by a vault that is only asked at connect time; the spool is replayed.
            SecretVault vault = new SecretVault() {
                @Override
                public String seal(String secret) {
                    return "{aes-gcm}sealed";
                }

                @Override
                public String open(String sealed) {
                    if (!sealed.equals("{aes-gcm}sealed")) {
                        throw new IllegalArgumentException("not ours");
                    }
                    return password;
                }
            };
            PgsqlAccountingSink sink = new PgsqlAccountingSink(config(url, Map.of(".password", "{aes-gcm}sealed")),
                    vault);
            sinks.add(sink);
            store(sink, start("p2", "gw", "P2", BASE.plusSeconds(1)));
            awaitTrue(() -> count("SELECT count(*) FROM accounting_record") == 2, 10, "both stored");
            assertTrue(sink.settings().toString().contains("password=(set)"));
            InvalidConfigurationException bad = assertThrows(InvalidConfigurationException.class,
                    () -> PgsqlSettings.read(config("jdbc:postgresql://h/db?password=" + password, Map.of())));
            assertFalse(bad.getMessage().contains(password));
        } finally {
            System.setErr(original);
            pgjdbc.removeHandler(jul);
            pgjdbc.setLevel(level);
        }
        String log = captured.toString(StandardCharsets.UTF_8) + julText;
        assertTrue(log.contains("Accounting records go to PostgreSQL"), "the log was captured");
        assertFalse(log.contains(password), "the password is in the log");
        assertFalse(log.contains(wrong), "the wrong password is in the log");
    }

    // ---------------------------------------------------------------------------------------------------------

    private PgsqlAccountingSink sink(String jdbcUrl) throws Exception {
        return sink(jdbcUrl, Map.of());
    }

    private PgsqlAccountingSink sink(String jdbcUrl, Map<String, String> extra) throws Exception {
        PgsqlAccountingSink sink = new PgsqlAccountingSink(config(jdbcUrl, extra), null);
        sinks.add(sink);
        return sink;
    }

    private Map<String, Object> config(String jdbcUrl, Map<String, String> extra) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", PgsqlAccountingSink.PID);
        properties.put("url", jdbcUrl);
        properties.put("user", user);
        properties.put(".password", password);
        properties.put("spoolDirectory", spool.toString());
        properties.put("connectTimeoutSeconds", "2");
        properties.putAll(extra);
        return properties;
    }

    private void assertRefused(Map<String, String> bad, String key) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> new PgsqlAccountingSink(config(url, bad), null));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains("configuration " + PgsqlAccountingSink.PID), e.getMessage());
        assertFalse(e.getMessage().contains(password), e.getMessage());
    }

    private static String closedPortUrl() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/radmfa";
    }

    private List<Path> spoolFiles() throws IOException {
        try (var files = Files.list(spool)) {
            return files.filter(p -> p.toString().endsWith(".seg")).toList();
        }
    }

    private static void store(PgsqlAccountingSink sink, AccountingRecord record) throws Exception {
        sink.store(record).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static RequestAttribute attr(int type, String name, String value) {
        return new RequestAttribute(0, type, name, value);
    }

    private static AccountingRecord start(String id, String client, String session, Instant received) {
        return record(id, client, session, "Start", received);
    }

    private static AccountingRecord record(String id, String client, String session, String status,
            Instant received) {
        List<RequestAttribute> attributes = new ArrayList<>(List.of(attr(40, "Acct-Status-Type", status),
                attr(4, "NAS-IP-Address", "10.0.0.1")));
        if (!session.isEmpty()) {
            attributes.add(attr(44, "Acct-Session-Id", session));
            attributes.add(attr(1, "User-Name", "user-" + session));
        }
        return new AccountingRecord(id, client, new InetSocketAddress("10.0.0.1", 1646), attributes, received);
    }

    /** An Accounting-On or -Off of client gw, as a NAS sends it: no session; Event-Timestamp if not null. */
    private static AccountingRecord onOff(String id, String status, String eventTimestamp, String delay,
            Instant received) {
        List<RequestAttribute> attributes = new ArrayList<>(List.of(attr(40, "Acct-Status-Type", status),
                attr(4, "NAS-IP-Address", "10.0.0.1"), attr(41, "Acct-Delay-Time", delay)));
        if (eventTimestamp != null) {
            attributes.add(attr(55, "Event-Timestamp", eventTimestamp));
        }
        return new AccountingRecord(id, "gw", new InetSocketAddress("10.0.0.1", 1646), attributes, received);
    }

    private static AccountingRecord interim(String id, String client, int port, String session, String sessionTime,
            String delay, String eventTimestamp, Instant received) {
        return new AccountingRecord(id, client, new InetSocketAddress("10.0.0.1", port),
                List.of(attr(40, "Acct-Status-Type", "Interim-Update"), attr(44, "Acct-Session-Id", session),
                        attr(1, "User-Name", "user-" + session), attr(46, "Acct-Session-Time", sessionTime),
                        attr(41, "Acct-Delay-Time", delay), attr(55, "Event-Timestamp", eventTimestamp)),
                received);
    }

    private Connection connect() throws SQLException {
        return cluster.superuser("acct" + DATABASES.get());
    }

    private long count(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    private List<String> column(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** Polls every 20 ms, at most {@code seconds}. */
    private static void awaitTrue(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + seconds + " s: " + what);
            }
            synchronized (monitor) {
                monitor.wait(20);
            }
        }
    }

    private static final class ExecutionExceptionCheck {
        static void assertFailsWith(CompletableFuture<Void> stage, Class<? extends Throwable> type) {
            CompletionException e = assertThrows(CompletionException.class, () -> stage.orTimeout(10,
                    TimeUnit.SECONDS).join());
            assertInstanceOf(type, e.getCause(), String.valueOf(e.getCause()));
        }
    }

    /** Writes to both streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
