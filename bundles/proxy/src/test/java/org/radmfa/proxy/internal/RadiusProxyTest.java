package org.radmfa.proxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.SharedSecret;

/** The proxy against small RADIUS servers on loopback that sign their answers with a secret of the test's choice. */
class RadiusProxyTest {
    private static final byte[] MPPE_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private final RadiusProxy proxy = new RadiusProxy();
    private final List<FakeServer> fakes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        proxy.deactivate();
        fakes.forEach(FakeServer::close);
    }

    /** Answers every Access-Request with an Access-Accept signed with {@code signingSecret}. */
    private final class FakeServer extends Thread implements AutoCloseable {
        final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        final byte[] signingSecret;
        final List<byte[]> received = new CopyOnWriteArrayList<>();

        FakeServer(String signingSecret) throws Exception {
            this.signingSecret = signingSecret.getBytes(StandardCharsets.UTF_8);
            setDaemon(true);
            start();
            fakes.add(this);
        }

        @Override
        public void run() {
            byte[] buffer = new byte[4096];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    byte[] request = Arrays.copyOf(buffer, packet.getLength());
                    received.add(request);
                    byte[] answer = answer(request);
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                } catch (Exception e) {
                    return;
                }
            }
        }

        private byte[] answer(byte[] request) {
            byte[] authenticator = Wire.authenticator(request);
            ByteArrayOutputStream attributes = new ByteArrayOutputStream();
            Wire.attribute(attributes, 18, "Welcome".getBytes(StandardCharsets.UTF_8));
            Wire.vendorAttribute(attributes, 311, 16, ReplyHiding.hide(MPPE_KEY, signingSecret, authenticator));
            // Proxy-State echoed, as RFC 2865 asks of a server.
            int offset = Wire.find(request, Wire.PROXY_STATE);
            attributes.write(request, offset, request[offset + 1] & 0xFF);
            byte[] answer = Wire.request(Wire.ACCESS_ACCEPT, request[1] & 0xFF, authenticator,
                    attributes.toByteArray(), signingSecret, true);
            java.security.MessageDigest md5 = Wire.md5();
            md5.update(answer);
            md5.update(signingSecret);
            System.arraycopy(md5.digest(), 0, answer, 4, 16);
            return answer;
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** RFC 2548 hiding, as a remote server does it. */
    private static final class ReplyHiding {
        static byte[] hide(byte[] key, byte[] secret, byte[] authenticator) {
            byte[] plain = new byte[32];
            plain[0] = (byte) key.length;
            System.arraycopy(key, 0, plain, 1, key.length);
            byte[] hidden = new byte[34];
            hidden[0] = (byte) 0x80;
            hidden[1] = 1;
            java.security.MessageDigest md5 = Wire.md5();
            md5.update(secret);
            md5.update(authenticator);
            md5.update(hidden, 0, 2);
            byte[] mask = md5.digest();
            for (int block = 0; block < 32; block += 16) {
                for (int i = 0; i < 16; i++) {
                    hidden[2 + block + i] = (byte) (plain[block + i] ^ mask[i]);
                }
                md5.update(secret);
                md5.update(hidden, 2 + block, 16);
                mask = md5.digest();
            }
            return hidden;
        }
    }

    private static ServerSettings server(String name, int port, int priority) {
        return new ServerSettings(name, "partners", "127.0.0.1", port, port + 1, SharedSecret.of("remote-secret"),
                priority, 50, 1000, 1, 60_000, true, true, true);
    }

    private static AuthenticationRequest request() {
        RadiusClient client = new RadiusClient("gw", "127.0.0.1", SharedSecret.of("client-secret"),
                "RADIUS Standard", true);
        return new AuthenticationRequest("rq-1", client, new InetSocketAddress("127.0.0.1", 40000), "alice",
                new PapCredentials("alice-password"), List.of(new RequestAttribute(0, 32, "NAS-Identifier", "gw-1"),
                        new RequestAttribute(0, 33, "Proxy-State", "0x6e6173")), Instant.now());
    }

    @Test
    void theRemoteAnswerComesBackWithKeysInClearAndWithoutOurProxyState() throws Exception {
        FakeServer remote = new FakeServer("remote-secret");
        proxy.put("a", server("fr1", remote.port(), 1));
        Decision decision = proxy.forward("partners", request()).toCompletableFuture().join();
        assertEquals(Decision.Outcome.ACCEPT, decision.outcome(), decision.toString());
        assertEquals(List.of(new ReplyAttribute("Reply-Message", "Welcome"),
                new ReplyAttribute("MS-MPPE-Send-Key", "0x" + HexFormat.of().formatHex(MPPE_KEY))),
                decision.replyAttributes());
        byte[] sent = remote.received.get(0);
        assertEquals(Wire.MESSAGE_AUTHENTICATOR, sent[20], "Message-Authenticator first");
        String text = new String(sent, StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("alice-password"), "the password is hidden");
        assertTrue(text.contains("gw-1") && text.contains("nas"), "the client's attributes and Proxy-State travel");
        assertTrue(decision.trace().get(0).matches("remote server 'fr1' \\(127\\.0\\.0\\.1:\\d+\\): Access-Accept in"
                + " \\d+ ms with Reply-Message, MS-MPPE-Send-Key"), decision.trace().toString());
    }

    @Test
    void anAnswerSignedWithAnotherSecretIsNoAnswerAndTheNextServerDecides() throws Exception {
        FakeServer forger = new FakeServer("not-the-secret");
        FakeServer good = new FakeServer("remote-secret");
        proxy.put("a", server("forger", forger.port(), 1));
        proxy.put("b", server("good", good.port(), 2));
        Decision decision = proxy.forward("partners", request()).toCompletableFuture().join();
        assertEquals(Decision.Outcome.ACCEPT, decision.outcome(), decision.toString());
        assertTrue(decision.trace().get(0).startsWith("remote server 'forger'") && decision.trace().get(0)
                .contains("no answer within 1000 ms; the server is down"), decision.trace().toString());
        assertFalse(proxy.up("a"));
        assertEquals(1, proxy.servers().get(0).badAnswers());

        good.close();
        Decision none = proxy.forward("partners", request()).toCompletableFuture().join();
        assertEquals(ReasonCode.REMOTE_UNAVAILABLE, none.reason(), none.toString());
        assertEquals(ReasonCode.FORWARDING_UNAVAILABLE, proxy.forward("nobody", request()).toCompletableFuture()
                .join().reason());
    }

    /** A server removed shortly before the proxy stops is closed with it, not left to a timer that no longer runs. */
    @Test
    void aServerRemovedJustBeforeTheProxyStopsIsClosedWithIt() throws Exception {
        FakeServer remote = new FakeServer("remote-secret");
        RadiusProxy stopping = new RadiusProxy();
        stopping.put("a", server("leaving", remote.port(), 1));
        Decision decision = stopping.forward("partners", request()).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(Decision.Outcome.ACCEPT, decision.outcome(), decision.toString());
        assertTrue(threadsNamed("radmfa-proxy-leaving-") > 0, "the server's socket has its reader");
        stopping.remove("a");
        stopping.deactivate();
        awaitNoThreadsNamed("radmfa-proxy-leaving-");
    }

    static int threadsNamed(String prefix) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix)).count();
    }

    static void awaitNoThreadsNamed(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (threadsNamed(prefix) > 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("threads " + prefix + "* still run a minute after the proxy stopped");
            }
            Thread.sleep(20);
        }
    }

    /**
     * A request that finds every Identifier towards a server in use is never sent: it is no lost request and does not
     * take a slow server down; the requests sent and unanswered still do.
     */
    @Test
    void requestsNeverSentForWantOfIdentifiersDoNotCountAgainstTheServer() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            // A timeout far longer than sending the requests below takes: they are all in flight together.
            proxy.put("a", new ServerSettings("slow", "partners", "127.0.0.1", silent.getLocalPort(),
                    silent.getLocalPort() + 1, SharedSecret.of("remote-secret"), 1, 50, 20_000, 3, 60_000, true, true,
                    false));
            int identifiers = 16 * 256;
            List<CompletableFuture<Decision>> sent = new ArrayList<>();
            for (int i = 0; i < identifiers; i++) {
                sent.add(proxy.forward("partners", request()).toCompletableFuture());
            }
            for (int i = 0; i < 5; i++) {
                Decision notSent = proxy.forward("partners", request()).toCompletableFuture().get(60, TimeUnit.SECONDS);
                assertEquals(ReasonCode.REMOTE_UNAVAILABLE, notSent.reason(), notSent.toString());
                assertTrue(notSent.trace().toString().contains("not sent"), notSent.trace().toString());
            }
            assertTrue(sent.stream().noneMatch(CompletableFuture::isDone), "the sent requests are still in flight");
            assertTrue(proxy.up("a"), "the requests never sent took the server down");
            assertEquals(0, proxy.servers().get(0).lost());

            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
            assertFalse(proxy.up("a"), "the requests sent and unanswered take it down");
            assertEquals(identifiers, proxy.servers().get(0).lost());
        }
    }
}
