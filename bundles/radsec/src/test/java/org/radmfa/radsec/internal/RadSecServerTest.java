package org.radmfa.radsec.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.RadiusPacketHandler;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.api.config.TlsFiles;
import org.radmfa.testsupport.ReversingVault;
import org.radmfa.testsupport.TestPki;

/**
 * The listener against the JDK's own TLS client: mutual TLS, client found by certificate, framing with several
 * packets in one write and answers in any order, refused handshakes counted, and half-open connections that cost no
 * thread and do not keep a real client out.
 */
class RadSecServerTest {
    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki otherPki;
    private static Path server;
    private static Path nas;
    private static Path nas2;
    private static Path stranger;
    private static Path expired;
    private static Path unknown;

    /** Answers a packet when the test says so; Identifier 3 at once. */
    private final Map<Integer, Consumer<byte[]>> held = new ConcurrentHashMap<>();
    private final Map<Integer, byte[]> heldPackets = new ConcurrentHashMap<>();
    private final List<RadiusClient> seenClients = new CopyOnWriteArrayList<>();
    private final RadiusPacketHandler handler = (client, packet, source, reply) -> {
        seenClients.add(client);
        int identifier = packet[1] & 0xFF;
        byte[] answer = packet.clone();
        answer[0] = 2;
        if (identifier == 1 || identifier == 2) {
            held.put(identifier, reply);
            heldPackets.put(identifier, answer);
        } else {
            reply.accept(answer);
        }
    };
    private RadSecServer listener;

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki(dir, "radsec-ca");
        otherPki = new TestPki(dir, "other-ca");
        server = pki.issue("radsec-server", "ip:127.0.0.1", false);
        nas = pki.issue("nas1.example", "dns:nas1.example", false);
        nas2 = pki.issue("nas2.example", "dns:nas2.example", false);
        expired = pki.issue("nas-expired.example", "dns:nas1.example", true);
        unknown = pki.issue("nobody.example", "dns:nobody.example", false);
        stranger = otherPki.issue("nas1.example-elsewhere", "dns:nas1.example", false);
    }

    private RadSecServer start(Map<String, Object> extra) {
        RadSecClients clients = new RadSecClients();
        clients.put("c1", new RadSecClients.Entry("nas1", CertificateIdentity.parse(null, "nas1.example", null,
                List.of("127.0.0.0/8"))));
        listener = new RadSecServer(clients, handler);
        Map<String, Object> config = listenerConfiguration();
        config.putAll(extra);
        listener.configure(config);
        assertNotNull(listener.address(), "listening");
        return listener;
    }

    private static Map<String, Object> listenerConfiguration() {
        Map<String, Object> config = new HashMap<>();
        config.put("port", "0");
        config.put("listenAddress", "127.0.0.1");
        config.put("certificate", server.toString());
        config.put(".password", TestPki.PASSWORD);
        config.put("trustedCa", pki.caPem().toString());
        config.put("handshakeTimeoutSeconds", "1");
        return config;
    }

    /**
     * The clients are read (and their refused files told) whether or not a listener is configured; the listener
     * comes with its configuration and goes with it.
     */
    @Test
    void theClientsAreReadWithoutAListenerAndTheListenerGoesWithItsConfiguration() {
        Map<String, Object> noConfiguration = Map.of("component.name", RadSecServer.class.getName());
        listener = new RadSecServer(new RadSecClients(), handler);
        listener.modified(noConfiguration);
        assertNull(listener.address());
        assertEquals(Map.of(), listener.status(), "not configured");

        listener.definitions().files().updated("org.radmfa.radsec.client~x", new Hashtable<>(Map.of("name", "x")));
        listener.definitions().files().updated("org.radmfa.radsec.client~nas1", new Hashtable<>(Map.of("name", "nas1",
                "certificateName", "nas1.example")));
        assertEquals(List.of("certificate*"), listener.refusals().stream().map(refusal -> refusal.key()).toList());

        Map<String, Object> configured = listenerConfiguration();
        configured.put("service.pid", RadSecServer.PID);
        listener.modified(configured);
        assertNotNull(listener.address(), "listening");
        assertEquals(1, listener.status().get("clients configured"));

        listener.modified(noConfiguration);
        assertNull(listener.address(), "the configuration deleted, nothing listens");
        assertEquals(Map.of(), listener.status());
        assertEquals(1, listener.refusals().size(), "the clients stay");
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.deactivate();
        }
    }

    private SSLSocket connect(Path certificate, String protocol) throws Exception {
        SSLContext context = TlsFiles.context(certificate, null, TestPki.PASSWORD, pki.caPem());
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                listener.address().getPort());
        socket.setEnabledProtocols(new String[] {protocol});
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        return socket;
    }

    private static byte[] packet(int code, int identifier) {
        byte[] packet = new byte[20 + 6];
        packet[0] = (byte) code;
        packet[1] = (byte) identifier;
        packet[3] = (byte) packet.length;
        packet[20] = 1;
        packet[21] = 6;
        packet[22] = 'd';
        packet[23] = 'e';
        packet[24] = 'm';
        packet[25] = 'o';
        return packet;
    }

    private static byte[] read(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] header = new byte[4];
        in.readFully(header);
        int length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        byte[] packet = new byte[length];
        System.arraycopy(header, 0, packet, 0, 4);
        in.readFully(packet, 4, length - 4);
        return packet;
    }

    private long counter(String name) {
        return ((Number) listener.status().get(name)).longValue();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void packetsInOneWriteAreFramedAndAnsweredInAnyOrder() throws Exception {
        start(Map.of());
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            held.clear();
            try (SSLSocket socket = connect(nas, protocol)) {
                OutputStream out = socket.getOutputStream();
                byte[] three = new byte[3 * 26];
                for (int i = 0; i < 3; i++) {
                    System.arraycopy(packet(1, i + 1), 0, three, i * 26, 26);
                }
                out.write(three);
                out.flush();
                assertEquals(3, read(socket)[1], protocol + ": the one not held back is answered first");
                await("both others handed over", () -> held.size() == 2);
                held.get(2).accept(heldPackets.get(2));
                assertEquals(2, read(socket)[1]);
                held.get(1).accept(heldPackets.get(1));
                byte[] last = read(socket);
                assertEquals(1, last[1]);
                assertEquals(2, last[0], "the handler's answer, as it made it");
            }
        }
        assertEquals("nas1", seenClients.get(0).name(), "the client found by its certificate's name");
        assertEquals("radsec", seenClients.get(0).secret().reveal(), "RFC 6614: the secret is radsec");
        assertEquals(6L, counter("packets received"));
    }

    @Test
    void aCertificateOfAnotherCaIsRefusedAndCounted() throws Exception {
        start(Map.of());
        SSLContext context = TlsFiles.context(stranger, null, TestPki.PASSWORD, pki.caPem());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                listener.address().getPort())) {
            socket.setSoTimeout(30_000);
            // TLS 1.3: the client's side of the handshake may end before the server has judged its certificate.
            assertThrows(IOException.class, () -> {
                socket.startHandshake();
                socket.getOutputStream().write(packet(1, 7));
                read(socket);
            });
        }
        await("the refused handshake counted", () -> counter("handshake failures") == 1);
        assertEquals(0L, counter("packets received"));
    }

    @Test
    void anExpiredCertificateIsRefusedAndCounted() throws Exception {
        start(Map.of());
        assertThrows(IOException.class, () -> {
            try (SSLSocket socket = connect(expired, "TLSv1.2")) {
                socket.getOutputStream().write(packet(1, 7));
                read(socket);
            }
        });
        await("the refused handshake counted", () -> counter("handshake failures") == 1);
    }

    @Test
    void aTrustedCertificateOfNoConfiguredClientIsRefused() throws Exception {
        start(Map.of());
        assertThrows(IOException.class, () -> {
            try (SSLSocket socket = connect(unknown, "TLSv1.3")) {
                socket.getOutputStream().write(packet(1, 7));
                read(socket);
            }
        });
        await("counted", () -> counter("unknown certificates") == 1);
        assertEquals(0L, counter("packets received"));
    }

    @Test
    void aLengthOutOfRangeClosesTheConnection() throws Exception {
        start(Map.of());
        try (SSLSocket socket = connect(nas, "TLSv1.3")) {
            byte[] bad = packet(1, 9);
            bad[3] = 19;
            socket.getOutputStream().write(bad);
            assertEquals(-1, socket.getInputStream().read(), "closed by the listener");
        }
        assertEquals(1L, counter("malformed streams"));
    }

    @Test
    void halfOpenConnectionsTakeNoThreadAndARealClientIsStillServed() throws Exception {
        start(Map.of());
        int threadsBefore = Thread.activeCount();
        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                silent.add(new Socket("127.0.0.1", listener.address().getPort()));
            }
            await("300 connections accepted", () -> counter("connections accepted") >= 300);
            assertTrue(Thread.activeCount() <= threadsBefore + 10, "no thread per connection: " + threadsBefore
                    + " before, " + Thread.activeCount() + " with 300 half-open connections");
            try (SSLSocket socket = connect(nas, "TLSv1.3")) {
                socket.getOutputStream().write(packet(1, 5));
                assertEquals(5, read(socket)[1], "answered while 300 connections never said ClientHello");
            }
            await("the half-open ones closed after the handshake timeout", () -> counter("handshake timeouts")
                    >= 300);
        } finally {
            for (Socket socket : silent) {
                socket.close();
            }
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
        start(Map.of("maxConnections", "2"));
        try (Socket first = new Socket("127.0.0.1", listener.address().getPort());
                Socket second = new Socket("127.0.0.1", listener.address().getPort())) {
            await("two open", () -> counter("connections open") == 2);
            try (Socket third = new Socket("127.0.0.1", listener.address().getPort())) {
                third.setSoTimeout(30_000);
                assertEquals(-1, third.getInputStream().read(), "closed at once");
            }
            assertEquals(1L, counter("refused over maxConnections"));
        }
    }

    @Test
    void aConfigurationWhoseKeyDoesNotLoadIsRefusedAndTheListenerKeepsServing() throws Exception {
        start(Map.of());
        InetSocketAddress before = listener.address();
        Map<String, Object> config = new HashMap<>();
        config.put("port", "0");
        config.put("listenAddress", "127.0.0.1");
        config.put("certificate", server.toString());
        config.put(".password", "wrong-password");
        config.put("trustedCa", pki.caPem().toString());
        listener.configure(config);
        assertEquals(before, listener.address(), "the last good listener keeps serving");
        try (SSLSocket socket = connect(nas, "TLSv1.3")) {
            socket.getOutputStream().write(packet(1, 4));
            assertEquals(4, read(socket)[1]);
        }
    }

    @Test
    void anEmptyConfigurationTakesTheDefaultsOfTheMetatypeDefinition() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put("certificate", server.toString());
        config.put(".password", TestPki.PASSWORD);
        config.put("trustedCa", pki.caPem().toString());
        RadSecServer.Settings settings = RadSecServer.parse(RadSecServer.TYPE.read(config), null);
        ConfigType type = RadSecServer.TYPE;
        assertEquals(type.defaultValue("port"), settings.address().getPort());
        assertEquals(type.defaultValue("listenAddress"), settings.address().getAddress().getHostAddress());
        assertEquals(type.defaultValue("maxConnections"), settings.limits().maxConnections());
        assertEquals(TimeUnit.SECONDS.toNanos((Integer) type.defaultValue("handshakeTimeoutSeconds")),
                settings.limits().handshakeTimeoutNanos());
        assertEquals(TimeUnit.SECONDS.toNanos((Integer) type.defaultValue("idleTimeoutSeconds")),
                settings.limits().idleTimeoutNanos());
        assertEquals(type.defaultValue("protocols"), String.join(",", settings.limits().protocols()));
        assertEquals(type.defaultValue("workerThreads"), settings.workers());
        assertNull(settings.privateKey(), "privateKey's default is empty");
        assertFalse(settings.toString().contains(TestPki.PASSWORD), settings.toString());
    }

    @Test
    void aBadValueIsRefusedWithTheFileItsKeyAndTheReason() {
        Map<String, Object> config = new HashMap<>();
        config.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.radsec.cfg");
        config.put("certificate", server.toString());
        config.put(".password", TestPki.PASSWORD);
        config.put("trustedCa", pki.caPem().toString());
        config.put("idleTimeoutSeconds", "5");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RadSecServer.parse(RadSecServer.TYPE.read(config), null));
        assertEquals("idleTimeoutSeconds", e.key());
        assertEquals("etc/org.radmfa.radsec.cfg", e.source());
        assertTrue(e.getMessage().contains("5 is out of range 10..86400"), e.getMessage());
    }

    @Test
    void thePasswordIsPrivateAndTheKeyWithoutTheDotStillWorksWithAWarning() throws Exception {
        assertTrue(RadSecServer.TYPE.declares(".password"));
        assertFalse(RadSecServer.TYPE.declares("password"), "a public key would become a service property");
        Map<String, Object> legacy = new HashMap<>();
        legacy.put(".password", null);
        legacy.put("password", TestPki.PASSWORD);
        legacy.put("service.pid", RadSecServer.PID);
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            start(legacy);
        } finally {
            System.setErr(original);
        }
        try (SSLSocket socket = connect(nas, "TLSv1.3")) {
            socket.getOutputStream().write(packet(1, 9));
            assertEquals(9, read(socket)[1], "the key opened with the old key's password serves");
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("configuration org.radmfa.radsec: rename the key 'password' to '.password'"), log);
        assertFalse(log.contains("key 'password' is not a RadSec setting"), log);
        assertFalse(log.contains(TestPki.PASSWORD), "the password is never logged");

        Map<String, Object> sealed = new HashMap<>();
        sealed.put("certificate", server.toString());
        sealed.put("trustedCa", pki.caPem().toString());
        sealed.put("password", "{aes-gcm}AAAA");
        assertEquals("password", assertThrows(InvalidConfigurationException.class,
                () -> RadSecServer.parse(RadSecServer.TYPE.read(sealed), null)).key(),
                "a refusal names the key the file has");
    }

    /** At start the vault's bundle may come after this one: a sealed password waits for it, then the listener opens. */
    @Test
    void aSealedPasswordWaitsForTheVaultAndTheListenerOpensWhenItComes() throws Exception {
        org.radmfa.api.SecretVault vault = new ReversingVault();
        listener = new RadSecServer(new RadSecClients(), handler);
        Map<String, Object> config = listenerConfiguration();
        config.put(".password", vault.seal(TestPki.PASSWORD));
        assertTrue(assertThrows(InvalidConfigurationException.class,
                () -> RadSecServer.parse(RadSecServer.TYPE.read(config), null)).waitsForVault());
        listener.configure(config);
        assertNull(listener.address(), "nothing listens while the password waits");
        listener.bindVault(vault);
        assertNotNull(listener.address(), "read again when the vault came");
        listener.unbindVault(vault);
        assertNotNull(listener.address(), "the vault going does not close the listener");
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        start(Map.of("idleTimeoutSeconds", "10"));
        try (SSLSocket socket = connect(nas, "TLSv1.3")) {
            socket.getOutputStream().write(packet(1, 6));
            assertEquals(6, read(socket)[1]);
            await("closed once idle", () -> counter("idle connections closed") == 1);
            assertEquals(-1, socket.getInputStream().read(), "closed by the listener, with close_notify");
        }
    }

    /** Sealing the password in place modifies the configuration: that must not close or re-bind the listener. */
    @Test
    void theSameConfigurationAgainKeepsTheListenerAndItsConnections() throws Exception {
        start(Map.of("port", "0"));
        InetSocketAddress before = listener.address();
        try (SSLSocket socket = connect(nas, "TLSv1.3")) {
            Map<String, Object> config = new HashMap<>();
            config.put("port", "0");
            config.put("listenAddress", "127.0.0.1");
            config.put("certificate", server.toString());
            config.put(".password", TestPki.PASSWORD);
            config.put("trustedCa", pki.caPem().toString());
            config.put("handshakeTimeoutSeconds", "1");
            listener.configure(config);
            assertEquals(before, listener.address());
            socket.getOutputStream().write(packet(1, 8));
            assertEquals(8, read(socket)[1], "the connection made before still serves");
        }
    }

    /** A listener whose clients come from their factory configurations, as in Karaf: nas1 and nas2. */
    private void startWithTwoConfiguredClients(Map<String, Object> listenerSettings) {
        listener = new RadSecServer(new RadSecClients(), handler);
        defineClient("nas1", "nas1.example");
        defineClient("nas2", "nas2.example");
        Map<String, Object> config = listenerConfiguration();
        config.putAll(listenerSettings);
        listener.configure(config);
        assertNotNull(listener.address(), "listening");
    }

    private void defineClient(String name, String certificateName) {
        listener.definitions().files().updated("org.radmfa.radsec.client~" + name, new Hashtable<>(Map.of("name",
                name, "certificateName", certificateName)));
    }

    private SSLSocket connect(Path certificate, Path trustedCa) throws Exception {
        SSLContext context = TlsFiles.context(certificate, null, TestPki.PASSWORD, trustedCa);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                listener.address().getPort());
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        return socket;
    }

    private static void assertAnswered(SSLSocket socket, int identifier) throws IOException {
        socket.getOutputStream().write(packet(1, identifier));
        assertEquals(identifier, read(socket)[1], "answered");
    }

    /** The listener closes the connection: end of stream or a reset, but not the read timing out. */
    private static void assertClosedByTheListener(SSLSocket socket, String why) throws IOException {
        try {
            assertEquals(-1, socket.getInputStream().read(), why);
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError(why + ": the connection stayed open", e);
        } catch (IOException e) {
            // Reset rather than closed with close_notify: closed all the same.
        }
    }

    /** A removed RadSec client is cut off at once; another client's connection keeps being answered. */
    @Test
    void removingAClientClosesItsOpenConnectionsAndOnlyThose() throws Exception {
        startWithTwoConfiguredClients(Map.of());
        try (SSLSocket first = connect(nas, "TLSv1.3"); SSLSocket second = connect(nas2, "TLSv1.3")) {
            assertAnswered(first, 11);
            assertAnswered(second, 12);
            listener.definitions().files().deleted("org.radmfa.radsec.client~nas1");
            assertClosedByTheListener(first, "nas1's definition is gone");
            assertAnswered(second, 13);
            await("counted", () -> counter("connections closed by a configuration change") == 1);
        }
    }

    /** A client whose certificate identity changes is re-checked: a connection made under the old one is closed. */
    @Test
    void aClientWhoseCertificateIdentityChangesIsCutOffFromItsOldConnections() throws Exception {
        startWithTwoConfiguredClients(Map.of());
        try (SSLSocket first = connect(nas, "TLSv1.2"); SSLSocket second = connect(nas2, "TLSv1.3")) {
            assertAnswered(first, 21);
            defineClient("nas1", "nas1-rekeyed.example");
            assertClosedByTheListener(first, "the certificate no longer matches nas1's definition");
            assertAnswered(second, 22);
        }
    }

    /** A trustedCa that no longer holds a connection's CA closes it; a connection whose CA stays trusted stays. */
    @Test
    void aConnectionWhoseCaIsNoLongerTrustedIsClosed() throws Exception {
        Path both = dir.resolve("both-cas.pem");
        java.nio.file.Files.writeString(both, java.nio.file.Files.readString(pki.caPem())
                + java.nio.file.Files.readString(otherPki.caPem()));
        startWithTwoConfiguredClients(Map.of("trustedCa", both.toString()));
        // The stranger's certificate (another CA) says nas1.example too: client nas1, under the other CA.
        try (SSLSocket underOld = connect(nas, pki.caPem()); SSLSocket underOther = connect(stranger, pki.caPem())) {
            assertAnswered(underOld, 31);
            assertAnswered(underOther, 32);
            Map<String, Object> onlyTheOtherCa = listenerConfiguration();
            onlyTheOtherCa.put("trustedCa", otherPki.caPem().toString());
            listener.configure(onlyTheOtherCa);
            assertClosedByTheListener(underOld, "its CA is no longer in trustedCa");
            assertAnswered(underOther, 33);
        }
    }
}
