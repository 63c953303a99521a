package org.radmfa.proxy.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ConnectionDecision;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PolicyEngine;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.User;
import org.radmfa.testsupport.ManualClock;

/** The on-disk spool of forwarded accounting, and its replay once a server of the group answers. */
class AccountingSpoolTest {
    @TempDir
    Path dir;

    private static AccountingRecord record(String session) {
        return new AccountingRecord("ac-1", "gw", new InetSocketAddress("127.0.0.1", 40000), List.of(
                new RequestAttribute(0, 40, "Acct-Status-Type", "Start"),
                new RequestAttribute(0, 44, "Acct-Session-Id", session),
                new RequestAttribute(0, 18, "Reply-Message", "tab\there, line\nthere")), Instant.parse(
                        "2026-12-05T09:00:00Z"));
    }

    @Test
    void aRecordComesBackAsItWasAndSurvivesARestart() throws Exception {
        AccountingSpool spool = new AccountingSpool(dir.resolve("spool"), 10);
        assertEquals(0, spool.depth());
        assertTrue(spool.add("partners", "alice", record("s-1")));
        assertTrue(spool.add("partners", "bob", record("s-2")));
        AccountingSpool reopened = new AccountingSpool(dir.resolve("spool"), 10);
        assertEquals(2, reopened.depth(), "what was spooled is still there after a restart");
        List<Path> files = reopened.files();
        AccountingSpool.Entry first = reopened.read(files.get(0));
        assertEquals("partners", first.group());
        assertEquals("alice", first.userName(), "oldest first");
        assertEquals(record("s-1"), first.record());
        reopened.remove(files.get(0));
        assertEquals(1, reopened.depth());
        assertTrue(reopened.add("partners", "carol", record("s-3")));
        assertEquals("carol", reopened.read(reopened.files().get(1)).userName(), "a new record goes last");
    }

    @Test
    void aFullSpoolRefusesMore() throws Exception {
        AccountingSpool spool = new AccountingSpool(dir, 2);
        assertTrue(spool.add("g", "a", record("1")));
        assertTrue(spool.add("g", "b", record("2")));
        assertFalse(spool.add("g", "c", record("3")));
        assertEquals(2, spool.files().size());
    }

    @Test
    void spooledRecordsAreReplayedWhenTheServerAnswersAgain() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RadiusProxy proxy = new RadiusProxy(dir.resolve("spool"));
        try {
            proxy.put("a", new ServerSettings("fr1", "partners", "127.0.0.1", port - 1, port,
                    SharedSecret.of("remote-secret"), 1, 50, 500, 5, 60_000, true, true, false));
            proxy.spool().add("partners", "alice", record("s-1"));
            proxy.spool().add("partners", "bob", record("s-2"));
            proxy.replaySpool();
            assertEquals(2, proxy.spooledAccounting(), "nobody listens yet: nothing is lost");
            List<byte[]> received = new CopyOnWriteArrayList<>();
            try (DatagramSocket server = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                answerAccounting(server, received);
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (proxy.spooledAccounting() > 0) {
                    assertTrue(System.nanoTime() < deadline, "replayed within a minute");
                    Thread.sleep(50);
                }
            }
            String first = new String(received.get(0), StandardCharsets.ISO_8859_1);
            assertTrue(first.contains("alice") && first.contains("s-1"), "the oldest first, as spooled");
            assertArrayEquals(new Path[0], proxy.spool().files().toArray(new Path[0]));
        } finally {
            proxy.deactivate();
        }
    }
    /** Answers every Accounting-Request on {@code server} with an Accounting-Response, keeping what it received. */
    private static void answerAccounting(DatagramSocket server, List<byte[]> received) {
        Thread responder = new Thread(() -> {
            byte[] buffer = new byte[4096];
            while (!server.isClosed()) {
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    server.receive(packet);
                    byte[] request = Arrays.copyOf(buffer, packet.getLength());
                    received.add(request);
                    byte[] answer = Wire.request(Wire.ACCOUNTING_RESPONSE, request[1] & 0xFF,
                            Wire.authenticator(request), new byte[0], "remote-secret".getBytes(
                                    StandardCharsets.UTF_8), false);
                    java.security.MessageDigest md5 = Wire.md5();
                    md5.update(answer);
                    md5.update("remote-secret".getBytes(StandardCharsets.UTF_8));
                    System.arraycopy(md5.digest(), 0, answer, 4, 16);
                    server.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                } catch (Exception e) {
                    return;
                }
            }
        });
        responder.setDaemon(true);
        responder.start();
    }

    /**
     * docs/forwarding.md: spooled records are replayed oldest first. A record of a group that still has spooled
     * records joins the spool behind them instead of overtaking them, even with the group's server answering.
     */
    @Test
    void aNewRecordDoesNotOvertakeTheSpooledRecordsOfItsGroup() throws Exception {
        RadiusProxy proxy = new RadiusProxy(dir.resolve("spool"));
        PolicyEngine forwarding = new PolicyEngine() {
            @Override
            public ConnectionDecision route(AuthenticationRequest request) {
                return new ConnectionDecision(ConnectionDecision.Action.FORWARD, "to partners", request.userName(),
                        null, "partners", ReasonCode.ACCEPTED, List.of());
            }

            @Override
            public PolicyDecision evaluate(AuthenticationRequest request, User user) {
                throw new UnsupportedOperationException("accounting is only routed");
            }
        };
        AccountingForwarder forwarder = new AccountingForwarder(proxy, () -> forwarding);
        List<byte[]> received = new CopyOnWriteArrayList<>();
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            answerAccounting(server, received);
            proxy.put("a", new ServerSettings("fr1", "partners", "127.0.0.1", server.getLocalPort() - 1,
                    server.getLocalPort(), SharedSecret.of("remote-secret"), 1, 50, 500, 5, 60_000, true, true, false));
            proxy.spool().add("partners", "alice", record("s-start"));
            AccountingRecord stop = new AccountingRecord("ac-2", "gw", new InetSocketAddress("127.0.0.1", 40000),
                    List.of(new RequestAttribute(0, 1, "User-Name", "alice"),
                            new RequestAttribute(0, 40, "Acct-Status-Type", "Stop"),
                            new RequestAttribute(0, 44, "Acct-Session-Id", "s-stop")), Instant.now());
            forwarder.store(stop).toCompletableFuture().get(60, TimeUnit.SECONDS);
            proxy.replaySpool();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (proxy.spooledAccounting() > 0 || received.stream().noneMatch(r -> carries(r, "s-stop"))) {
                assertTrue(System.nanoTime() - deadline < 0, "delivered within a minute");
                Thread.sleep(20);
            }
        } finally {
            proxy.deactivate();
        }
        assertTrue(carries(received.get(0), "s-start"), "the spooled record first, then the new one");
    }

    private static boolean carries(byte[] packet, String text) {
        return new String(packet, StandardCharsets.ISO_8859_1).contains(text);
    }

    private static ServerSettings silentServer(String group) throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        return new ServerSettings("fr1", group, "127.0.0.1", port - 1, port, SharedSecret.of("remote-secret"), 1, 50,
                500, 5, 60_000, true, true, false);
    }

    /**
     * A group removed (or left with no server that takes accounting) does not keep its records forever: within the
     * grace they wait for it to come back, then they are moved aside under orphaned/ with a WARN naming the group
     * and the count, and leave the spool's depth. Another group's records stay.
     */
    @Test
    void theRecordsOfAGroupWithoutAnAccountingServerAreMovedAsideAfterTheGrace() throws Exception {
        ManualClock clock = new ManualClock("2026-12-05T09:00:00Z");
        RadiusProxy proxy = new RadiusProxy(dir.resolve("spool"), clock);
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            proxy.put("a", silentServer("partners"));
            proxy.spool().add("gone", "alice", record("s-1"));
            proxy.spool().add("gone", "bob", record("s-2"));
            proxy.spool().add("partners", "carol", record("s-3"));
            proxy.replaySpool();
            assertEquals(3, proxy.spooledAccounting(), "within the grace the group may come back: all kept");
            clock.advance(Duration.ofMinutes(59));
            proxy.replaySpool();
            assertEquals(3, proxy.spooledAccounting(), "still within the grace");
            clock.advance(Duration.ofMinutes(2));
            proxy.replaySpool();
            assertEquals(1, proxy.spooledAccounting(), "the removed group's records left the spool");
            assertFalse(proxy.spool().holds("gone"), "a new record of the group is no longer held behind them");
            assertEquals("partners", proxy.spool().read(proxy.spool().files().get(0)).group(), "the other stays");
            List<Path> aside;
            try (Stream<Path> files = Files.walk(dir.resolve("spool").resolve("orphaned"))) {
                aside = files.filter(f -> f.getFileName().toString().endsWith(".acct")).toList();
            }
            assertEquals(2, aside.size(), "moved aside, not deleted");
            assertEquals(Set.of("alice", "bob"), Set.of(proxy.spool().read(aside.get(0)).userName(),
                    proxy.spool().read(aside.get(1)).userName()), "whole, as spooled");
        } finally {
            System.setErr(original);
            proxy.deactivate();
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("WARN") && log.contains("group 'gone' has no server that takes accounting"), log);
        assertTrue(log.contains("2 spooled accounting records of remote RADIUS server group 'gone' moved to"), log);
    }

    /** Within the grace, a group that gets a server that takes accounting again gets its records. */
    @Test
    void aGroupThatGetsAnAccountingServerAgainWithinTheGraceGetsItsRecords() throws Exception {
        ManualClock clock = new ManualClock("2026-12-05T09:00:00Z");
        RadiusProxy proxy = new RadiusProxy(dir.resolve("spool"), clock);
        List<byte[]> received = new CopyOnWriteArrayList<>();
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            proxy.spool().add("partners", "alice", record("s-1"));
            proxy.replaySpool();
            clock.advance(Duration.ofMinutes(30));
            proxy.replaySpool();
            assertEquals(1, proxy.spooledAccounting());
            answerAccounting(server, received);
            proxy.put("a", new ServerSettings("fr1", "partners", "127.0.0.1", server.getLocalPort() - 1,
                    server.getLocalPort(), SharedSecret.of("remote-secret"), 1, 50, 500, 5, 60_000, true, true, false));
            clock.advance(Duration.ofMinutes(40));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (proxy.spooledAccounting() > 0) {
                assertTrue(System.nanoTime() - deadline < 0, "delivered within a minute");
                proxy.replaySpool();
                Thread.sleep(20);
            }
        } finally {
            proxy.deactivate();
        }
        assertTrue(carries(received.get(0), "s-1"), "delivered, not moved aside");
        assertFalse(Files.exists(dir.resolve("spool").resolve("orphaned")));
    }
}
