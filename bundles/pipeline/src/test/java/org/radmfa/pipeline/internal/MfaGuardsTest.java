package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaRequest;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.User;
import org.radmfa.api.UserDirectory;

/** One push per login, the push-fatigue guard, reconnect grace and fail mode, through the pipeline. */
class MfaGuardsTest {
    private static final RadiusClient GATEWAY = new RadiusClient("gw", "127.0.0.1", SharedSecret.of("x"), null, true);

    /** A push connector whose outcome the test completes; counts the pushes it was asked for. */
    private static final class PushConnector implements MfaConnector {
        final AtomicInteger pushes = new AtomicInteger();
        volatile CompletableFuture<MfaOutcome> next = new CompletableFuture<>();

        @Override
        public String name() {
            return "push";
        }

        @Override
        public CompletionStage<MfaOutcome> verify(MfaRequest request) {
            pushes.incrementAndGet();
            return next;
        }
    }

    private static UserDirectory directory(Set<String> groups) {
        return new UserDirectory() {
            @Override
            public String name() {
                return "local";
            }

            @Override
            public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
                return CompletableFuture.completedFuture(
                        PrimaryAuthResult.accepted(new User(request.userName(), groups, "local")));
            }
        };
    }

    private static RequestPipeline pipeline(MfaConnector connector, Set<String> groups, String failMode,
            String failOpenGroups, int maxPushes, int graceMinutes) {
        RequestPipeline pipeline = new RequestPipeline(directory(groups),
                (request, user) -> new PolicyDecision(true, "MFA", ReasonCode.ACCEPTED, true, List.of(), List.of()),
                connector, Duration.ofSeconds(5));
        pipeline.configure(Map.of("mfaTimeoutSeconds", 5, "defaultDirectory", "local", "decisionLogSize", 10,
                "mfaFailMode", failMode, "mfaFailOpenGroups", failOpenGroups, "mfaMaxPushes", maxPushes,
                "mfaPushWindowSeconds", 600, "mfaReconnectGraceMinutes", graceMinutes,
                "mfaConnector.target", "(objectClass=*)"));
        return pipeline;
    }

    private static CompletableFuture<Decision> login(RequestPipeline pipeline, String user, String station) {
        AuthenticationRequest request = new AuthenticationRequest("t", GATEWAY, new InetSocketAddress(1), user,
                new PapCredentials("pw"), List.of(new RequestAttribute(0, 31, "Calling-Station-Id", station)),
                Instant.now());
        return pipeline.handle(request).toCompletableFuture();
    }

    @Test
    void aRetryOfThePendingLoginJoinsItsPushAndGetsItsAnswer() {
        PushConnector connector = new PushConnector();
        RequestPipeline pipeline = pipeline(connector, Set.of(), "reject", "", 5, 0);
        CompletableFuture<Decision> first = login(pipeline, "alice", "203.0.113.7");
        CompletableFuture<Decision> retry = login(pipeline, "ALICE", "203.0.113.7");
        CompletableFuture<Decision> otherDevice = login(pipeline, "alice", "198.51.100.9");
        assertEquals(2, connector.pushes.get(), "one push for the login and its retry, one for the other device");
        connector.next.complete(MfaOutcome.of(MfaOutcome.Kind.APPROVED, "ok"));
        assertEquals(Decision.Outcome.ACCEPT, first.join().outcome());
        assertEquals(Decision.Outcome.ACCEPT, retry.join().outcome());
        assertTrue(retry.join().trace().stream().anyMatch(line -> line.startsWith("joined the pending")));
        assertEquals(Decision.Outcome.ACCEPT, otherDevice.join().outcome());
        connector.next = new CompletableFuture<>();
        login(pipeline, "alice", "203.0.113.7");
        assertEquals(3, connector.pushes.get(), "after the answer, a new login pushes again");
    }

    private static CompletableFuture<Decision> withoutStation(RequestPipeline pipeline, String user,
            RadiusClient nas) {
        return pipeline.handle(new AuthenticationRequest("t", nas, new InetSocketAddress(1), user,
                new PapCredentials("pw"), List.of(), Instant.now())).toCompletableFuture();
    }

    @Test
    void withoutCallingStationIdLoginsThroughDifferentNasesNeverShareAPushOrTheGrace() {
        RadiusClient wifi = new RadiusClient("wifi", "127.0.0.2", SharedSecret.of("y"), null, true);
        PushConnector connector = new PushConnector();
        RequestPipeline pipeline = pipeline(connector, Set.of(), "reject", "", 5, 10);
        CompletableFuture<Decision> vpn = withoutStation(pipeline, "dave", GATEWAY);
        CompletableFuture<Decision> retry = withoutStation(pipeline, "dave", GATEWAY);
        CompletableFuture<Decision> elsewhere = withoutStation(pipeline, "dave", wifi);
        assertEquals(2, connector.pushes.get(), "the gateway's retry joins; another NAS's login is prompted itself");
        connector.next.complete(MfaOutcome.of(MfaOutcome.Kind.APPROVED, "ok"));
        assertEquals(Decision.Outcome.ACCEPT, vpn.join().outcome());
        assertEquals(Decision.Outcome.ACCEPT, retry.join().outcome());
        assertEquals(Decision.Outcome.ACCEPT, elsewhere.join().outcome());

        connector.next = new CompletableFuture<>();
        CompletableFuture<Decision> again = withoutStation(pipeline, "dave", GATEWAY);
        assertEquals(3, connector.pushes.get(), "no reconnect grace for a device nobody named");
        connector.next.complete(MfaOutcome.of(MfaOutcome.Kind.DENIED, "no"));
        assertEquals(ReasonCode.MFA_DENIED, again.join().reason());
    }

    @Test
    void thePushFatigueGuardRefusesBeyondTheLimitWithItsOwnReason() {
        PushConnector connector = new PushConnector();
        connector.next.complete(MfaOutcome.of(MfaOutcome.Kind.DENIED, "no"));
        RequestPipeline pipeline = pipeline(connector, Set.of(), "reject", "", 2, 0);
        assertEquals(ReasonCode.MFA_DENIED, login(pipeline, "bob", "a").join().reason());
        assertEquals(ReasonCode.MFA_DENIED, login(pipeline, "bob", "b").join().reason());
        assertEquals(ReasonCode.MFA_RATE_LIMITED, login(pipeline, "bob", "c").join().reason());
        assertEquals(2, connector.pushes.get());
        assertEquals(ReasonCode.MFA_DENIED, login(pipeline, "carol", "a").join().reason(), "the limit is per user");
    }

    @Test
    void reconnectGraceSkipsTheSecondPromptForTheSameLoginOnly() {
        PushConnector connector = new PushConnector();
        connector.next.complete(MfaOutcome.of(MfaOutcome.Kind.APPROVED, "ok"));
        RequestPipeline pipeline = pipeline(connector, Set.of(), "reject", "", 5, 10);
        assertEquals(Decision.Outcome.ACCEPT, login(pipeline, "dave", "a").join().outcome());
        Decision again = login(pipeline, "dave", "a").join();
        assertEquals(Decision.Outcome.ACCEPT, again.outcome());
        assertEquals(1, connector.pushes.get());
        assertTrue(again.detail().contains("reconnect grace"));
        login(pipeline, "dave", "other-address").join();
        assertEquals(2, connector.pushes.get(), "another Calling-Station-Id is another login");
        RequestPipeline noGrace = pipeline(connector, Set.of(), "reject", "", 5, 0);
        noGrace.handle(new AuthenticationRequest("t", GATEWAY, new InetSocketAddress(1), "dave",
                new PapCredentials("pw"), List.of(), Instant.now())).toCompletableFuture().join();
        noGrace.handle(new AuthenticationRequest("t", GATEWAY, new InetSocketAddress(1), "dave",
                new PapCredentials("pw"), List.of(), Instant.now())).toCompletableFuture().join();
        assertEquals(4, connector.pushes.get(), "off by default");
    }

    @Test
    void failModeRejectsByDefaultAndAcceptsOnlyTheBreakGlassGroupWhenConfigured() {
        PushConnector down = new PushConnector();
        down.next.complete(MfaOutcome.of(MfaOutcome.Kind.UNAVAILABLE, "HTTP 503"));
        assertEquals(ReasonCode.MFA_UNAVAILABLE,
                login(pipeline(down, Set.of("break-glass"), "reject", "", 5, 0), "erin", "a").join().reason());
        Decision open = login(pipeline(down, Set.of("Break-Glass"), "accept", "break-glass", 5, 0), "erin", "a").join();
        assertEquals(Decision.Outcome.ACCEPT, open.outcome());
        assertTrue(open.trace().stream().anyMatch(line -> line.contains("FAIL-OPEN")));
        assertEquals(ReasonCode.MFA_UNAVAILABLE, login(pipeline(down, Set.of("staff"), "accept", "break-glass", 5, 0),
                "frank", "a").join().reason(), "not in the break-glass group");
        PushConnector denied = new PushConnector();
        denied.next.complete(MfaOutcome.of(MfaOutcome.Kind.DENIED, "no"));
        assertEquals(ReasonCode.MFA_DENIED, login(pipeline(denied, Set.of("break-glass"), "accept", "", 5, 0),
                "erin", "a").join().reason(), "fail-open never turns a denial into an accept");
    }
}
