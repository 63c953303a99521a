package org.radmfa.eap.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.radmfa.api.Decision;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.eap.EapRequest;

/** A flood of EAP-TLS starts holds at most maxSessions small conversations, and is answered, never dropped. */
class EapTlsMethodTest {
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void startsBeyondTheConversationBoundAreRejectedWithEapFailure() throws Exception {
        EapTlsLimits limits = new EapTlsLimits(1024, 65536, 64, 100, TimeUnit.SECONDS.toNanos(30));
        EapTlsMethod method = new EapTlsMethod(null, limits, pool);
        for (int i = 0; i < 100; i++) {
            Decision started = method.start(nak(i)).toCompletableFuture().get();
            assertEquals(Decision.Outcome.CHALLENGE, started.outcome());
        }
        Decision refused = method.start(nak(100)).toCompletableFuture().get();
        assertEquals(Decision.Outcome.REJECT, refused.outcome());
        assertEquals(ReasonCode.SERVICE_UNAVAILABLE, refused.reason());
        assertEquals(100, method.conversations());
    }

    @Test
    void aMalformedResponseInAConversationIsDropped() throws Exception {
        EapTlsLimits limits = new EapTlsLimits(1024, 65536, 64, 100, TimeUnit.SECONDS.toNanos(30));
        EapTlsMethod method = new EapTlsMethod(null, limits, pool);
        Decision started = method.start(nak(1)).toCompletableFuture().get();
        String state = started.replyAttributes().stream().filter(a -> a.name().equals("State")).findFirst()
                .orElseThrow().value();
        byte[] stateBytes = java.util.HexFormat.of().parseHex(state.substring(2));
        // The length field says 9 octets, the packet has 6.
        EapRequest bad = new EapRequest("rq-2", client(), new InetSocketAddress("127.0.0.1", 1812), "peer", "peer",
                new byte[] {2, 2, 0, 9, 13, 0}, stateBytes, List.of());
        assertNull(method.next(bad, null).toCompletableFuture().get());
    }

    @Test
    void aResponseOutOfOrderIsDroppedAndTheConversationGoesOn() throws Exception {
        EapTlsLimits limits = new EapTlsLimits(1024, 65536, 64, 100, TimeUnit.SECONDS.toNanos(30));
        EapTlsMethod method = new EapTlsMethod(null, limits, pool);
        Decision started = method.start(nak(1)).toCompletableFuture().get();
        String state = started.replyAttributes().stream().filter(a -> a.name().equals("State")).findFirst()
                .orElseThrow().value();
        byte[] stateBytes = java.util.HexFormat.of().parseHex(state.substring(2));
        // The Start went out with Identifier 2; a response with Identifier 7 answers nothing we sent.
        EapRequest stray = new EapRequest("rq-2", client(), new InetSocketAddress("127.0.0.1", 1812), "peer", "peer",
                new byte[] {2, 7, 0, 6, 13, 0}, stateBytes, List.of());
        assertNull(method.next(stray, null).toCompletableFuture().get());
        assertEquals(1, method.conversations());
        // The right identifier, a fragment with more to come, is acknowledged.
        EapRequest fragment = new EapRequest("rq-3", client(), new InetSocketAddress("127.0.0.1", 1812), "peer",
                "peer", new byte[] {2, 2, 0, 8, 13, 0x40, 0x16, 0x03}, stateBytes, List.of());
        assertEquals(Decision.Outcome.CHALLENGE, method.next(fragment, null).toCompletableFuture().get().outcome());
    }

    private static EapRequest nak(int i) {
        return new EapRequest("rq-" + i, client(), new InetSocketAddress("127.0.0.1", 1812), "peer", "peer",
                new byte[] {2, 1, 0, 6, 3, 13}, null, List.of());
    }

    private static RadiusClient client() {
        return new RadiusClient("nas", "127.0.0.1", SharedSecret.of("secret"),
                "RADIUS Standard", MessageAuthenticatorPolicy.REQUIRED, false);
    }
}
