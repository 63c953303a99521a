package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaRequest;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PolicyEngine;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.SharedMfaLogins;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.User;
import org.radmfa.api.UserDirectory;

/** Two appliances (pipelines) sharing their pending second factors: a login asked on one is joined on the other. */
class SharedMfaLoginsTest {

    /** The cluster's part, in memory: a claim per login, completed by the appliance that holds it. */
    private static final class Cluster implements SharedMfaLogins {
        final Map<String, CompletableFuture<MfaOutcome>> claims = new ConcurrentHashMap<>();

        @Override
        public Optional<CompletionStage<MfaOutcome>> claim(String login, Duration pendingAtMost) {
            CompletableFuture<MfaOutcome> held = claims.putIfAbsent(login, new CompletableFuture<>());
            return held == null ? Optional.empty() : Optional.of(held);
        }

        @Override
        public void completed(String login, MfaOutcome outcome) {
            CompletableFuture<MfaOutcome> held = claims.remove(login);
            if (held != null) {
                held.complete(outcome);
            }
        }
    }

    /** A push connector: counts the pushes it sends; every push ends with the outcome the test gives. */
    private static final class Pusher implements MfaConnector {
        final AtomicInteger pushes = new AtomicInteger();
        final CompletableFuture<MfaOutcome> outcome = new CompletableFuture<>();

        @Override
        public String name() {
            return "push";
        }

        @Override
        public CompletionStage<MfaOutcome> verify(MfaRequest request) {
            pushes.incrementAndGet();
            return outcome;
        }
    }

    private static final UserDirectory ALICE = new UserDirectory() {
        @Override
        public String name() {
            return "test";
        }

        @Override
        public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
            return CompletableFuture.completedFuture(PrimaryAuthResult.accepted(new User("alice", Set.of(), "test")));
        }
    };

    private static final PolicyEngine MFA_POLICY = (request, user) -> new PolicyDecision(true, "VPN",
            ReasonCode.ACCEPTED, true, List.of(), List.of("p"));

    private static AuthenticationRequest login(String id) {
        return new AuthenticationRequest(id, new RadiusClient("gw", "10.1.255.0/27", SharedSecret.of("x"), null,
                true), new InetSocketAddress(1812), "alice", new PapCredentials("pw"),
                List.of(new RequestAttribute(0, 31, "Calling-Station-Id", "203.0.113.7")), Instant.now());
    }

    private static RequestPipeline appliance(MfaConnector connector, SharedMfaLogins cluster) {
        RequestPipeline pipeline = new RequestPipeline(ALICE, MFA_POLICY, connector, Duration.ofSeconds(5));
        pipeline.sharedLogins(cluster);
        return pipeline;
    }

    @Test
    void aGatewayFailingOverMidPushJoinsThePushOnTheFirstAppliance() {
        Cluster cluster = new Cluster();
        Pusher first = new Pusher();
        Pusher second = new Pusher();
        CompletableFuture<Decision> asked = appliance(first, cluster).handle(login("a-1")).toCompletableFuture();
        CompletableFuture<Decision> failedOver = appliance(second, cluster).handle(login("b-1")).toCompletableFuture();
        assertFalse(asked.isDone() || failedOver.isDone(), "both wait for the one push");
        assertEquals(1, first.pushes.get());
        assertEquals(0, second.pushes.get(), "no second push from the other appliance");

        first.outcome.complete(MfaOutcome.of(MfaOutcome.Kind.APPROVED, "approved"));
        assertEquals(Decision.Outcome.ACCEPT, asked.join().outcome());
        Decision joined = failedOver.join();
        assertEquals(Decision.Outcome.ACCEPT, joined.outcome());
        assertTrue(joined.trace().contains("joined the second factor of the same login pending on another appliance"),
                joined.trace().toString());
        assertTrue(cluster.claims.isEmpty(), "the claim is released with the outcome");
    }

    @Test
    void aFailedPushIsPublishedAsUnavailableAndNobodyIsAcceptedWithoutIt() {
        Cluster cluster = new Cluster();
        Pusher first = new Pusher();
        Pusher second = new Pusher();
        CompletableFuture<Decision> asked = appliance(first, cluster).handle(login("a-1")).toCompletableFuture();
        CompletableFuture<Decision> failedOver = appliance(second, cluster).handle(login("b-1")).toCompletableFuture();
        first.outcome.completeExceptionally(new IllegalStateException("MFA service down"));
        assertEquals(ReasonCode.MFA_UNAVAILABLE, asked.join().reason());
        assertEquals(ReasonCode.MFA_UNAVAILABLE, failedOver.join().reason());
        assertEquals(0, second.pushes.get());
    }
}
