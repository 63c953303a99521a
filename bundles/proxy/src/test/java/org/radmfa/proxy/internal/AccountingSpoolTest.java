package org.radmfa.proxy.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.SharedSecret;

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
}
