package org.radmfa.audit.syslog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.testsupport.TestPki;

/**
 * The connection's close probe on TLS 1.3 (RFC 5425) against a JDK TLS collector on loopback, with a relay between
 * them that can cut one record from the collector in two: the probe's 1 ms read may time out in the middle of a
 * record, or of a NewSessionTicket or KeyUpdate, and must neither break the connection nor call it closed; a
 * collector that really closed (close_notify or a bare FIN) must be seen as closed.
 */
class SocketConnectorTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** TLS record content type application_data: every record after ServerHello in TLS 1.3. */
    private static final int APPLICATION_DATA = 23;

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static SSLContext serverContext;

    private Collector collector;
    private Relay relay;
    private SyslogSender.Connection connection;

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki(dir, "syslog-ca");
        Path store = pki.issue("collector", "ip:127.0.0.1", false);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(store)) {
            keys.load(in, TestPki.PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, TestPki.PASSWORD.toCharArray());
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keyManagers.getKeyManagers(), null, null);
    }

    @AfterEach
    void stop() throws IOException {
        if (connection != null) {
            connection.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    /** The connector as the component makes it from its configuration: TLS 1.3, CA file, host name checked. */
    private static SyslogSender.Connector connector(int port) throws Exception {
        Map<String, Object> properties = new HashMap<>();
        properties.put("felix.fileinstall.filename", "file:/etc/radmfa/org.radmfa.audit.syslog-siem.cfg");
        properties.put("host", "127.0.0.1");
        properties.put("port", String.valueOf(port));
        properties.put("caFile", pki.caPem().toString());
        properties.put("tlsVersions", "TLSv1.3");
        properties.put("connectTimeoutSeconds", "10");
        return SyslogSettings.parse(properties).connector();
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
            Thread.sleep(5);
        }
    }

    /** Probes a few times while the second part of a record is held back: every probe must say "open". */
    private void probeWhileHeld() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            assertFalse(connection.closedByPeer(), "a record cut in two is not a close (probe " + i + ")");
            // Gives the first part time to arrive, so that a later probe reads into the record and stops inside it.
            Thread.sleep(10);
        }
    }

    /** The connection still carries frames the collector can read, under the keys in force now. */
    private void assertStillSends(String text) throws Exception {
        assertFalse(connection.closedByPeer());
        connection.write(frame(text));
        connection.flush();
        assertEquals(text, collector.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertFalse(connection.closedByPeer(), "still open after a write");
    }

    @Test
    void aNewSessionTicketCutInTwoLeavesTheConnectionUsable() throws Exception {
        collector = new Collector();
        relay = new Relay(collector.port());
        relay.splitNextPostHandshakeRecord();
        connection = connector(relay.port()).open();
        assertEquals("TLSv1.3", connection.protocol());
        // The collector sends its NewSessionTicket after our Finished: the relay holds its second part back.
        assertTrue(relay.held.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the NewSessionTicket was cut");
        probeWhileHeld();
        relay.release.countDown();
        assertStillSends("after the ticket");
        assertStillSends("and again");
    }

    @Test
    void aKeyUpdateCutInTwoLeavesTheConnectionUsableAndIsAnswered() throws Exception {
        collector = new Collector();
        relay = new Relay(collector.port());
        connection = connector(relay.port()).open();
        assertStillSends("before the key update");
        relay.splitNextPostHandshakeRecord();
        // On an established TLS 1.3 connection the JDK's startHandshake() sends a KeyUpdate (update_requested).
        collector.current.startHandshake();
        assertTrue(relay.held.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the KeyUpdate was cut");
        probeWhileHeld();
        relay.release.countDown();
        // The probe that reads the rest takes the new keys and answers with our own KeyUpdate: frames written
        // after it must still decrypt at the collector.
        assertStillSends("after the key update");
        assertStillSends("and again");
    }

    /** A collector never sends data on a syslog connection; if one does, that is not a close either. */
    @Test
    void dataFromTheCollectorCutInTwoIsNotAClose() throws Exception {
        collector = new Collector();
        relay = new Relay(collector.port());
        connection = connector(relay.port()).open();
        assertStillSends("before");
        relay.splitNextPostHandshakeRecord();
        OutputStream out = collector.current.getOutputStream();
        out.write("unexpected".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertTrue(relay.held.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the data record was cut");
        probeWhileHeld();
        relay.release.countDown();
        assertStillSends("after");
    }

    @Test
    void aCloseNotifyIsSeenAsAClose() throws Exception {
        collector = new Collector();
        connection = connector(collector.port()).open();
        assertStillSends("one");
        collector.current.close();
        await("the close seen", () -> connection.closedByPeer());
    }

    @Test
    void aBareFinWithoutCloseNotifyIsSeenAsAClose() throws Exception {
        collector = new Collector();
        connection = connector(collector.port()).open();
        assertStillSends("one");
        collector.currentTcp.shutdownOutput();
        await("the close seen", () -> connection.closedByPeer());
    }

    /** The sender over TLS: a collector restart is noticed before the next write, and the next frame arrives. */
    @Test
    void theSenderReconnectsAfterTheCollectorClosedItsTlsConnection() throws Exception {
        collector = new Collector();
        SyslogBuffer buffer = new SyslogBuffer("t", 100, Clock.systemUTC());
        try (SyslogSender sender = new SyslogSender("t", buffer, connector(collector.port()), new Backoff(10, 100),
                System::nanoTime).start()) {
            buffer.offer(frame("one"));
            assertEquals("one", collector.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
            collector.current.close();
            await("the collector's side closed", () -> collector.accepted.get() == 1 && collector.current.isClosed());
            Thread.sleep(300); // idle past the sender's probe threshold, as in SyslogSenderTest
            buffer.offer(frame("two"));
            assertEquals("two", collector.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
            await("a second connection", () -> collector.accepted.get() == 2);
            assertEquals(0, buffer.dropped());
        }
    }

    /** A TLS 1.3 syslog collector: accepts connections one after the other and reads octet-counted frames. */
    private static final class Collector implements AutoCloseable {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final AtomicInteger accepted = new AtomicInteger();
        volatile SSLSocket current;
        /** The TCP connection under {@link #current}: a FIN on it is a close without close_notify. */
        volatile Socket currentTcp;
        private final ServerSocket tcp;
        private final Thread thread;

        Collector() throws IOException {
            tcp = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            thread = new Thread(this::run, "test-tls-collector");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return tcp.getLocalPort();
        }

        private void run() {
            while (!tcp.isClosed()) {
                try (Socket plain = tcp.accept();
                        SSLSocket socket = (SSLSocket) serverContext.getSocketFactory().createSocket(plain, null,
                                true)) {
                    socket.setEnabledProtocols(new String[] {"TLSv1.3"});
                    socket.startHandshake();
                    currentTcp = plain;
                    current = socket;
                    accepted.incrementAndGet();
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
                } catch (IOException | RuntimeException e) {
                    // connection over (or closed by the test); accept the next one
                }
            }
        }

        @Override
        public void close() throws IOException {
            tcp.close();
            Socket socket = currentTcp;
            if (socket != null) {
                socket.close();
            }
        }
    }

    /**
     * A TCP relay on loopback that forwards whole TLS records both ways and, when armed, cuts the collector's first
     * record after the handshake in two: the header and half the body go on at once, the rest when released.
     */
    private static final class Relay implements AutoCloseable {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final ServerSocket listening;
        private final int target;
        private volatile boolean armed;
        /** The client has sent an encrypted record (its Finished): what the collector sends next is post-handshake. */
        private volatile boolean clientFinished;
        private volatile Socket toClient;
        private volatile Socket toCollector;

        Relay(int target) throws IOException {
            this.target = target;
            listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            Thread thread = new Thread(this::run, "test-tls-relay");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return listening.getLocalPort();
        }

        void splitNextPostHandshakeRecord() {
            armed = true;
        }

        private void run() {
            try {
                toClient = listening.accept();
                toCollector = new Socket(InetAddress.getLoopbackAddress(), target);
                toClient.setTcpNoDelay(true);
                toCollector.setTcpNoDelay(true);
                Thread up = new Thread(() -> pump(toClient, toCollector, true), "test-tls-relay-up");
                up.setDaemon(true);
                up.start();
                pump(toCollector, toClient, false);
            } catch (IOException e) {
                // closed by the test
            }
        }

        private void pump(Socket from, Socket to, boolean fromClient) {
            try {
                DataInputStream in = new DataInputStream(from.getInputStream());
                OutputStream out = to.getOutputStream();
                byte[] header = new byte[5];
                while (true) {
                    in.readFully(header);
                    byte[] body = new byte[((header[3] & 0xff) << 8) | (header[4] & 0xff)];
                    in.readFully(body);
                    int type = header[0] & 0xff;
                    if (fromClient && type == APPLICATION_DATA) {
                        clientFinished = true;
                    }
                    if (!fromClient && armed && clientFinished && type == APPLICATION_DATA) {
                        armed = false;
                        int first = body.length / 2;
                        out.write(header);
                        out.write(body, 0, first);
                        out.flush();
                        held.countDown();
                        release.await();
                        out.write(body, first, body.length - first);
                    } else {
                        out.write(header);
                        out.write(body);
                    }
                    out.flush();
                }
            } catch (IOException e) {
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        @Override
        public void close() {
            release.countDown();
            for (Socket socket : new Socket[] {toClient, toCollector}) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException e) {
                        // closing
                    }
                }
            }
            try {
                listening.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
