package org.radmfa.proxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLServerSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.config.TlsFiles;
import org.radmfa.testsupport.TestPki;

/** The proxy against a small RadSec server on loopback whose first answer is malformed as the test chooses. */
class RadSecForwardingTest {
    private static final byte[] SECRET = RadSecSettings.SECRET.getBytes(StandardCharsets.UTF_8);
    @TempDir
    static Path dir;
    private static TestPki pki;
    private static Path serverCertificate;
    private static Path applianceCertificate;

    private final RadiusProxy proxy = new RadiusProxy();
    private FakeRadSecServer remote;

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki(dir, "ca");
        serverCertificate = pki.issue("remote", "ip:127.0.0.1", false);
        applianceCertificate = pki.issue("appliance", "dns:appliance.example", false);
    }

    @AfterEach
    void stop() {
        proxy.deactivate();
        if (remote != null) {
            remote.close();
        }
    }

    /**
     * Answers its first Access-Request with {@code firstAttributes} after the header, every other request (and
     * Status-Server) with a sound Access-Accept.
     */
    private static final class FakeRadSecServer extends Thread implements AutoCloseable {
        final SSLServerSocket listening;
        final byte[] firstAttributes;
        final AtomicInteger requests = new AtomicInteger();

        FakeRadSecServer(byte[] firstAttributes) throws Exception {
            this.firstAttributes = firstAttributes;
            listening = (SSLServerSocket) TlsFiles.context(serverCertificate, null, TestPki.PASSWORD, pki.caPem())
                    .getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress());
            listening.setNeedClientAuth(true);
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            while (!listening.isClosed()) {
                try (Socket connection = listening.accept()) {
                    DataInputStream in = new DataInputStream(connection.getInputStream());
                    OutputStream out = connection.getOutputStream();
                    while (true) {
                        byte[] header = new byte[4];
                        in.readFully(header);
                        byte[] request = new byte[((header[2] & 0xFF) << 8) | (header[3] & 0xFF)];
                        System.arraycopy(header, 0, request, 0, 4);
                        in.readFully(request, 4, request.length - 4);
                        boolean first = request[0] == Wire.ACCESS_REQUEST && requests.incrementAndGet() == 1;
                        out.write(signed(request, first ? firstAttributes : new byte[0]));
                        out.flush();
                    }
                } catch (IOException e) {
                    // The connection ended or the listener closed: accept the next, or end.
                }
            }
        }

        /** An answer with a right Response Authenticator, whatever its attributes. */
        private static byte[] signed(byte[] request, byte[] attributes) {
            byte[] answer = new byte[Wire.HEADER_LENGTH + attributes.length];
            answer[0] = (byte) Wire.ACCESS_ACCEPT;
            answer[1] = request[1];
            answer[2] = (byte) (answer.length >> 8);
            answer[3] = (byte) answer.length;
            System.arraycopy(request, Wire.AUTHENTICATOR_OFFSET, answer, Wire.AUTHENTICATOR_OFFSET, 16);
            System.arraycopy(attributes, 0, answer, Wire.HEADER_LENGTH, attributes.length);
            java.security.MessageDigest md5 = Wire.md5();
            md5.update(answer);
            md5.update(SECRET);
            System.arraycopy(md5.digest(), 0, answer, Wire.AUTHENTICATOR_OFFSET, 16);
            return answer;
        }

        int port() {
            return listening.getLocalPort();
        }

        @Override
        public void close() {
            try {
                listening.close();
            } catch (IOException ignored) {
                // Closing anyway.
            }
        }
    }

    private void serve(byte[] firstAttributes) throws Exception {
        remote = new FakeRadSecServer(firstAttributes);
        RadSecSettings tls = new RadSecSettings(applianceCertificate, null, TestPki.PASSWORD, pki.caPem(), true);
        proxy.put("a", new ServerSettings("rs1", "partners", "127.0.0.1", remote.port(), remote.port(),
                SharedSecret.of(RadSecSettings.SECRET), 1, 50, 1000, 5, 60_000, true, false, false, tls));
        // Connected once a Status-Server is answered; before, it fails at once without counting against the server.
        await("the RadSec connection", () -> proxy.probe(proxy.members("partners").get(0))
                .handle((ok, failure) -> failure == null).join());
    }

    private static AuthenticationRequest request() {
        RadiusClient client = new RadiusClient("gw", "127.0.0.1", SharedSecret.of("client-secret"),
                "RADIUS Standard", true);
        return new AuthenticationRequest("rq-1", client, new java.net.InetSocketAddress("127.0.0.1", 40000), "alice",
                new PapCredentials("alice-password"), List.of(), Instant.now());
    }

    private Decision forward() throws Exception {
        return proxy.forward("partners", request()).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** A RadSec server replaced shortly before the proxy stops has its connection and thread closed with it. */
    @Test
    void aReplacedRadSecServerIsClosedWhenTheProxyStops() throws Exception {
        RadiusProxyTest.awaitNoThreadsNamed("radmfa-proxy-radsec-rs1");
        serve(new byte[0]);
        ServerSettings settings = proxy.members("partners").get(0).settings;
        assertEquals(1, RadiusProxyTest.threadsNamed("radmfa-proxy-radsec-rs1"));
        proxy.put("a", new ServerSettings("rs1", "partners", "127.0.0.1", settings.authPort(), settings.acctPort(),
                settings.secret(), 2, 50, 1000, 5, 60_000, true, false, false, settings.radsec()));
        assertEquals(2, RadiusProxyTest.threadsNamed("radmfa-proxy-radsec-rs1"), "the old one lives on a while");
        proxy.deactivate();
        RadiusProxyTest.awaitNoThreadsNamed("radmfa-proxy-radsec-rs1");
    }

    /**
     * An attribute of length 1 is a malformed answer (RFC 2865 section 3: silently discarded): counted as a bad
     * answer, the request waits on and is answered as unanswered, and the connection serves the next request.
     */
    @Test
    void anAnswerWithAnAttributeOfLengthOneIsDiscardedAndTheRequestIsStillAnswered() throws Exception {
        // Reply-Message of length 1, then what reads as a User-Name of length 2: the Response Authenticator is right.
        serve(new byte[] {18, 1, 2});
        Decision decision = forward();
        assertEquals(ReasonCode.REMOTE_UNAVAILABLE, decision.reason(), decision.toString());
        assertEquals(1, proxy.servers().get(0).badAnswers());
        Decision next = forward();
        assertEquals(Decision.Outcome.ACCEPT, next.outcome(), next.toString());
    }

    /** An attribute of length 0 is discarded the same way, and the connection's reader goes on reading. */
    @Test
    void anAnswerWithAnAttributeOfLengthZeroIsDiscardedAndTheConnectionServesOn() throws Exception {
        serve(new byte[] {18, 0});
        Decision decision = forward();
        assertEquals(ReasonCode.REMOTE_UNAVAILABLE, decision.reason(), decision.toString());
        assertEquals(1, proxy.servers().get(0).badAnswers());
        Decision next = forward();
        assertEquals(Decision.Outcome.ACCEPT, next.outcome(), next.toString());
    }
}
