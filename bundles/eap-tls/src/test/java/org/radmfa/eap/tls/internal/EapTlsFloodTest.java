package org.radmfa.eap.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.Decision;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.eap.EapRequest;
import org.radmfa.testsupport.TestPki;

/**
 * A flood of EAP-TLS starts that each get as far as the server's first flight (the most a peer can make the server
 * hold without a certificate) and then go silent: the heap each such conversation holds, and the bound on how many.
 */
class EapTlsFloodTest {
    private static final int SESSIONS = 300;
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void halfFinishedConversationsHoldAFewKibEachAndStopAtMaxSessions() throws Exception {
        EapTlsLimits limits = new EapTlsLimits(1024, 16384, 64, SESSIONS, TimeUnit.SECONDS.toNanos(30));
        EapTlsMethod method = new EapTlsMethod(identity(), limits, pool);
        List<byte[]> hellos = new ArrayList<>();
        for (int i = 0; i < SESSIONS + 1; i++) {
            hellos.add(new TlsTestPeer(ProtocolVersion.TLSv13, ProtocolVersion.TLSv12).output());
        }
        halfFinish(method, hellos.get(0), 0); // loads and warms the classes before the measurement
        long before = usedHeapAfterGc();
        for (int i = 1; i < SESSIONS; i++) {
            halfFinish(method, hellos.get(i), i);
        }
        long perConversation = (usedHeapAfterGc() - before) / (SESSIONS - 1);
        System.out.printf("EAP-TLS flood: a conversation waiting after the server's first flight (TLS 1.3, RSA-2048)"
                + " holds %.1f KiB of heap; %d of them %.1f MiB%n", perConversation / 1024.0, SESSIONS,
                perConversation * SESSIONS / 1048576.0);
        assertEquals(SESSIONS, method.conversations());
        // The engine, the handshake hash and the server's flight: far below one reassembly buffer (16 KiB) each.
        assertTrue(perConversation < 64 * 1024, perConversation + " bytes per half-finished conversation");

        Decision refused = method.start(nak(SESSIONS)).toCompletableFuture().get();
        assertEquals(Decision.Outcome.REJECT, refused.outcome());
        assertEquals(ReasonCode.SERVICE_UNAVAILABLE, refused.reason());
        assertEquals(SESSIONS, method.conversations());
    }

    /** EAP-TLS's identity: an RSA-2048 server certificate of a test CA, TLS 1.3 and 1.2, client certificates of it. */
    private EapTlsServer.Identity identity() throws Exception {
        TestPki pki = new TestPki(dir, "test CA", TestPki.KeyType.RSA_2048);
        Path store = pki.issue("radius.example", null, false);
        JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(new SecureRandom());
        X509Certificate ca = pki.caCertificate();
        return new EapTlsServer.Identity(crypto, TestPki.privateKey(store),
                new TlsCertificate[] {crypto.createCertificate(pki.certificate("radius.example").getEncoded())}, true,
                new ClientCertificateVerifier(List.of(ca), List.of()),
                List.of(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded())),
                new ProtocolVersion[] {ProtocolVersion.TLSv13, ProtocolVersion.TLSv12}, null);
    }

    /** Start, then the ClientHello: the server answers with the first fragment of its flight and waits. */
    private static void halfFinish(EapTlsMethod method, byte[] hello, int i) throws Exception {
        Decision started = method.start(nak(i)).toCompletableFuture().get();
        assertEquals(Decision.Outcome.CHALLENGE, started.outcome());
        byte[] state = HexFormat.of().parseHex(started.replyAttributes().stream()
                .filter(a -> a.name().equals("State")).findFirst().orElseThrow().value().substring(2));
        byte[] response = EapTlsPacket.request(2, 13, 0, -1, hello, 0, hello.length);
        response[0] = 2;
        Decision flight = method.next(new EapRequest("rq-" + i, client(), new InetSocketAddress("127.0.0.1", 1812),
                "peer", "peer", response, state, List.of()), null).toCompletableFuture().get();
        assertEquals(Decision.Outcome.CHALLENGE, flight.outcome(), flight.detail());
        String firstFragment = flight.replyAttributes().get(0).value();
        // EAP-Request, EAP-TLS, L and M: the first 1024 octets of the server's flight, the rest held for the peer
        assertTrue(firstFragment.matches("0x01..04..0dc0.*"), firstFragment.substring(0, 20));
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        // The least of a few readings after a collection: a concurrent allocation only ever adds.
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }

    private static EapRequest nak(int i) {
        return new EapRequest("rq-" + i, client(), new InetSocketAddress("127.0.0.1", 1812), "peer", "peer",
                new byte[] {2, 1, 0, 6, 3, 13}, null, List.of());
    }

    private static RadiusClient client() {
        return new RadiusClient("nas", "127.0.0.1", SharedSecret.of("secret"), "RADIUS Standard",
                MessageAuthenticatorPolicy.REQUIRED, false);
    }
}
