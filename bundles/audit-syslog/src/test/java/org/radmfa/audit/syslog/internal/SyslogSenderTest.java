package org.radmfa.audit.syslog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

/** The sender against a real TCP listener on loopback, reading RFC 6587 octet-counted frames. */
class SyslogSenderTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A collector: accepts connections one after the other and reads frames until told to close. */
    private static final class Collector implements AutoCloseable {
        final ServerSocket server;
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        volatile Socket current;
        final Thread thread;

        Collector(int port) throws IOException {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            thread = new Thread(this::run, "test-collector");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        current = socket;
                        DataInputStream in = new DataInputStream(socket.getInputStream());
                        while (true) {
                            ByteArrayOutputStream length = new ByteArrayOutputStream();
                            int c;
                            while ((c = in.read()) != ' ') {
                                if (c < 0) {
                                    throw new IOException("closed");
                                }
                                length.write(c);
                            }
                            byte[] message = new byte[Integer.parseInt(length.toString(StandardCharsets.US_ASCII))];
                            in.readFully(message);
                            received.add(new String(message, StandardCharsets.UTF_8));
                        }
                    } catch (IOException e) {
                        // connection over; accept the next one
                    }
                }
            } catch (RuntimeException e) {
                // stopped
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            Socket socket = current;
            if (socket != null) {
                socket.close();
            }
        }
    }

    private static SocketConnector plain(int port) {
        return new SocketConnector("127.0.0.1", port, null, true, new String[0], 2000);
    }

    private static byte[] frame(String text) {
        return Rfc5424.frame(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void framesArriveInOrderWithMultiLineValuesIntact() throws Exception {
        try (Collector collector = new Collector(0)) {
            SyslogBuffer buffer = new SyslogBuffer("t", 100, Clock.systemUTC());
            try (SyslogSender sender = new SyslogSender("t", buffer, plain(collector.server.getLocalPort()),
                    new Backoff(10, 100), System::nanoTime).start()) {
                for (int i = 0; i < 10; i++) {
                    assertTrue(buffer.offer(frame("message " + i + "\nsecond line")));
                }
                for (int i = 0; i < 10; i++) {
                    assertEquals("message " + i + "\nsecond line", collector.received.poll(30, TimeUnit.SECONDS));
                }
                await("sent counted", () -> sender.sent() == 10);
                assertNull(sender.failure());
            }
        }
    }

    @Test
    void aFullBufferDropsAndCountsWithoutWaitingAndTheCollectorGetsTheRestWhenBack() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        SyslogBuffer buffer = new SyslogBuffer("t", 5, Clock.systemUTC());
        try (SyslogSender sender = new SyslogSender("t", buffer, plain(port), new Backoff(10, 200),
                System::nanoTime).start()) {
            await("the failure reported", () -> {
                buffer.offer(frame("probe"));
                return sender.failure() != null;
            });
            assertTrue(sender.failure().contains("tcp://127.0.0.1:" + port), sender.failure());
            long droppedBefore = buffer.dropped();
            long started = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                buffer.offer(frame("while away " + i));
            }
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(buffer.dropped() - droppedBefore >= 990, "dropped " + buffer.dropped());
            // Not a timing bound on the machine's speed: an offer that waited for the network would take seconds.
            assertTrue(tookMillis < 5_000, "1000 offers took " + tookMillis + " ms");
            assertTrue(buffer.size() <= 5);

            try (Collector collector = new Collector(port)) {
                await("the buffered messages delivered", () -> buffer.size() == 0 && sender.failure() == null);
                assertNotNull(collector.received.poll(30, TimeUnit.SECONDS));
                buffer.offer(frame("after"));
                String last = null;
                for (String m; (m = collector.received.poll(30, TimeUnit.SECONDS)) != null; ) {
                    last = m;
                    if (m.equals("after")) {
                        break;
                    }
                }
                assertEquals("after", last);
            }
        }
    }

    @Test
    void aCollectorThatClosesIsNoticedAndReconnectedTo() throws Exception {
        try (Collector collector = new Collector(0)) {
            SyslogBuffer buffer = new SyslogBuffer("t", 100, Clock.systemUTC());
            try (SyslogSender sender = new SyslogSender("t", buffer, plain(collector.server.getLocalPort()),
                    new Backoff(10, 100), System::nanoTime).start()) {
                buffer.offer(frame("one"));
                assertEquals("one", collector.received.poll(30, TimeUnit.SECONDS));
                collector.current.close();
                // Idle past the probe threshold: the close is seen before the next write, which goes to a new
                // connection instead of into a dead socket's kernel buffer.
                Thread.sleep(300);
                buffer.offer(frame("two"));
                assertEquals("two", collector.received.poll(30, TimeUnit.SECONDS));
                assertEquals(0, buffer.dropped());
            }
        }
    }

    @Test
    void backoffDoublesUpToItsMaximum() {
        Backoff backoff = new Backoff(500, 60_000);
        assertEquals(List.of(500L, 1000L, 2000L, 4000L, 60_000L), List.of(backoff.delayMillis(1),
                backoff.delayMillis(2), backoff.delayMillis(3), backoff.delayMillis(4), backoff.delayMillis(100)));
    }

    @Test
    void aBatchPutBackKeepsItsOrderAndDropsWhatNoLongerFits() {
        SyslogBuffer buffer = new SyslogBuffer("t", 3, Clock.systemUTC());
        buffer.offer(frame("c"));
        buffer.putBack(List.of(frame("a"), frame("b"), frame("x")));
        assertEquals(3, buffer.size());
        assertEquals(1, buffer.dropped());
        assertFalse(buffer.offer(frame("d")));
        assertEquals(2, buffer.dropped());
        assertTrue(new String(buffer.queue().peekFirst(), StandardCharsets.UTF_8).endsWith("b"));
    }
}
