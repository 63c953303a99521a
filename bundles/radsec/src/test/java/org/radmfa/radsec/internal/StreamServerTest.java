package org.radmfa.radsec.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.config.TlsFiles;
import org.radmfa.testsupport.TestPki;

/** The selector thread owns the connections: closing the listener never touches them from another thread. */
class StreamServerTest {
    @TempDir
    Path dir;

    private final CountDownLatch established = new CountDownLatch(1);
    private final TlsConnection.Events admitAll = new TlsConnection.Events() {
        @Override
        public boolean established(TlsConnection connection, SSLSession session) {
            established.countDown();
            return true;
        }

        @Override
        public void packet(TlsConnection connection, byte[] packet) {
        }

        @Override
        public void failed(TlsConnection connection, SSLException failure, boolean established) {
        }

        @Override
        public void malformed(TlsConnection connection) {
        }
    };

    /**
     * A listener closed while its selector thread is busy past close()'s wait (here: in a re-check of the
     * connections that blocks) leaves the connections to that thread, which closes them when it is done, without
     * a ConcurrentModificationException and without an error line.
     */
    @Test
    void closingWhileTheSelectorThreadIsBusyLeavesTheConnectionsToIt() throws Exception {
        TestPki pki = new TestPki(dir, "ca");
        SSLContext serverContext = TlsFiles.context(pki.issue("server", "ip:127.0.0.1", false), null,
                TestPki.PASSWORD, pki.caPem());
        SSLContext clientContext = TlsFiles.context(pki.issue("nas1.example", "dns:nas1.example", false), null,
                TestPki.PASSWORD, pki.caPem());
        RadSecCounters counters = new RadSecCounters();
        StreamServer server = StreamServer.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                () -> serverContext, new StreamServer.Limits(10, TimeUnit.SECONDS.toNanos(30),
                        TimeUnit.SECONDS.toNanos(300), List.of("TLSv1.3")), admitAll, counters);
        String selectorThread = "radmfa-radsec-" + server.address();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory().createSocket("127.0.0.1",
                server.address().getPort())) {
            client.setSoTimeout(30_000);
            client.startHandshake();
            // TLS 1.3: the client's handshake may end before the server has taken the client's Finished.
            assertTrue(established.await(60, TimeUnit.SECONDS), "the connection established");
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            server.closeEstablishedIf(connection -> {
                busy.countDown();
                awaitQuietly(release);
                return false;
            });
            assertTrue(busy.await(60, TimeUnit.SECONDS), "the selector thread is in the re-check");
            System.setErr(new PrintStream(new Tee(captured, original), true, StandardCharsets.UTF_8));
            server.close();
            release.countDown();
            await("the selector thread ended", () -> threadsNamed(selectorThread) == 0);
            assertEquals(-1, readOrEnd(client), "the connection closed by the selector thread");
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains("ConcurrentModificationException"), log);
        assertFalse(log.contains("ERROR"), log);
        assertEquals(0, counters.open.get());
    }

    private static int readOrEnd(SSLSocket socket) {
        try {
            return socket.getInputStream().read();
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the connection stayed open", e);
        } catch (IOException e) {
            return -1; // reset rather than closed with close_notify: closed all the same
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().equals(name)).count();
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Writes to both: the test reads what was logged, the console still shows it. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
