package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

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
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.SharedChallenges;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.User;
import org.radmfa.api.UserDirectory;

/**
 * Two appliances of a cluster sharing challenges, as radmfa-cluster makes them share (its Hazelcast implementation
 * is tested in the cluster bundle): the answer to a challenge made by one is resumed by the other.
 */
class SharedChallengesTest {
    private static final RadiusClient GATEWAY = new RadiusClient("gw", "127.0.0.1", SharedSecret.of("x"), null, true);
    private static final String CODE = "123456";

    private static final UserDirectory DIRECTORY = new UserDirectory() {
        @Override
        public String name() {
            return "local";
        }

        @Override
        public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
            return CompletableFuture.completedFuture(((PapCredentials) request.credentials()).password().equals("pw")
                    ? PrimaryAuthResult.accepted(new User("alice", Set.of("vpn-users"), "local"))
                    : PrimaryAuthResult.rejected(ReasonCode.AUTHENTICATION_FAILED, "wrong password"));
        }
    };

    private static final PolicyEngine MFA_POLICY = (request, user) -> new PolicyDecision(true, "VPN with codes",
            ReasonCode.ACCEPTED, true, List.of(new ReplyAttribute("Session-Timeout", "3600")),
            List.of("network policy 'VPN with codes': grant, MFA required"));

    /** A TOTP-like connector: challenges first, approves the right code. */
    private static final MfaConnector CODES = new MfaConnector() {
        @Override
        public String name() {
            return "otp";
        }

        @Override
        public CompletionStage<MfaOutcome> verify(MfaRequest request) {
            if (request.challengeResponse() == null) {
                byte[] state = new byte[16];
                new java.security.SecureRandom().nextBytes(state);
                return CompletableFuture.completedFuture(new MfaOutcome(MfaOutcome.Kind.CHALLENGE, "code asked for",
                        "Code?", state));
            }
            return CompletableFuture.completedFuture(MfaOutcome.of(CODE.equals(request.challengeResponse())
                    ? MfaOutcome.Kind.APPROVED : MfaOutcome.Kind.DENIED, "checked"));
        }
    };

    /** The cluster's map of challenges, and the States taken: each by one appliance only. */
    private static final class Cluster implements SharedChallenges {
        final Map<String, String> published = new ConcurrentHashMap<>();
        final Set<String> taken = ConcurrentHashMap.newKeySet();

        @Override
        public void offer(byte[] state, String challenge, Duration pendingAtMost) {
            published.put(HexFormat.of().formatHex(state), challenge);
        }

        @Override
        public Optional<String> take(byte[] state) {
            String key = HexFormat.of().formatHex(state);
            String challenge = published.remove(key);
            return challenge != null && taken.add(key) ? Optional.of(challenge) : Optional.empty();
        }

        @Override
        public boolean withdraw(byte[] state) {
            String key = HexFormat.of().formatHex(state);
            published.remove(key);
            return taken.add(key);
        }

        @Override
        public void discard(byte[] state) {
            published.remove(HexFormat.of().formatHex(state));
        }
    }

    private static RequestPipeline appliance(SharedChallenges cluster) {
        RequestPipeline pipeline = new RequestPipeline(DIRECTORY, MFA_POLICY, CODES, Duration.ofSeconds(30));
        pipeline.sharedChallenges(cluster);
        return pipeline;
    }

    private static Decision send(RequestPipeline appliance, String password, String state) {
        List<RequestAttribute> attributes = state == null ? List.of()
                : List.of(new RequestAttribute(0, 24, "State", state));
        return appliance.handle(new AuthenticationRequest("rq", GATEWAY, new InetSocketAddress("127.0.0.1", 40000),
                "alice", new PapCredentials(password), attributes, Instant.now())).toCompletableFuture().join();
    }

    private static String state(Decision challenge) {
        return challenge.replyAttributes().stream().filter(a -> a.name().equals("State")).findFirst()
                .orElseThrow().value();
    }

    @Test
    void anAnswerThatFailsOverToAnotherApplianceResumesTheLogin() {
        Cluster cluster = new Cluster();
        RequestPipeline first = appliance(cluster);
        RequestPipeline second = appliance(cluster);
        Decision challenge = send(first, "pw", null);
        assertEquals(Decision.Outcome.CHALLENGE, challenge.outcome());
        assertEquals(1, cluster.published.size(), "published for the other appliances");
        assertTrue(cluster.published.values().iterator().next().contains("VPN with codes"));

        Decision accept = send(second, CODE, state(challenge));
        assertEquals(Decision.Outcome.ACCEPT, accept.outcome(), accept.detail());
        assertTrue(accept.replyAttributes().contains(new ReplyAttribute("Session-Timeout", "3600")),
                "the first round's policy settings come with the accept");
        assertTrue(accept.trace().contains("the challenge was made by another appliance of the cluster"));
        assertTrue(cluster.published.isEmpty(), "taken: the State answers once");
        assertEquals(Decision.Outcome.REJECT, send(second, CODE, state(challenge)).outcome(),
                "the same State again, on the appliance that took it");
    }

    @Test
    void anAnswerOnTheApplianceThatAskedWithdrawsTheChallengeFromTheOthers() {
        Cluster cluster = new Cluster();
        RequestPipeline first = appliance(cluster);
        Decision challenge = send(first, "pw", null);
        assertEquals(Decision.Outcome.ACCEPT, send(first, CODE, state(challenge)).outcome());
        assertTrue(cluster.published.isEmpty(), "withdrawn: no other appliance can resume it");
        assertEquals(Decision.Outcome.REJECT, send(appliance(cluster), CODE, state(challenge)).outcome());
    }

    /**
     * The answer went to the second appliance (the gateway failed over) and was accepted there; the same State and a
     * code the connector would accept, sent back to the first appliance, must not log the user in a second time.
     */
    @Test
    void aChallengeAnsweredOnAnotherApplianceIsRefusedWhereItWasMade() {
        Cluster cluster = new Cluster();
        RequestPipeline first = appliance(cluster);
        RequestPipeline second = appliance(cluster);
        Decision challenge = send(first, "pw", null);
        assertEquals(Decision.Outcome.ACCEPT, send(second, CODE, state(challenge)).outcome());

        Decision again = send(first, CODE, state(challenge));
        assertEquals(Decision.Outcome.REJECT, again.outcome(), again.detail());
        assertEquals(ReasonCode.MFA_DENIED, again.reason());
        assertTrue(again.trace().contains("the challenge was already answered on another appliance of the cluster"),
                again.trace().toString());
    }

    @Test
    void withoutTheClusterTheOtherApplianceDoesNotKnowTheState() {
        Decision challenge = send(appliance(null), "pw", null);
        Decision unknown = send(appliance(null), CODE, state(challenge));
        assertEquals(Decision.Outcome.REJECT, unknown.outcome());
        assertEquals(ReasonCode.MFA_DENIED, unknown.reason());
    }

    @Test
    void aPendingChallengeSurvivesTheTripAsText() {
        PendingChallenges.Pending pending = new PendingChallenges.Pending("gw", "Alice", PrimaryAuthResult.accepted(
                new User("alice", Set.of("vpn-users", "line\nbreak\\"), "corp")), MFA_POLICY.evaluate(null, null),
                "otp", 2, 0);
        long now = System.currentTimeMillis();
        ChallengeCodec.Shared decoded = ChallengeCodec.decode(ChallengeCodec.encode(pending, now + 30_000), now, 1_000);
        assertEquals(now + 30_000, decoded.expiresAtMillis());
        assertEquals(1_000 + 30_000_000_000L, decoded.pending().expiresAtNanos());
        assertEquals(new PendingChallenges.Pending("gw", "Alice", pending.primary(), pending.policy(), "otp", 2,
                1_000 + 30_000_000_000L), decoded.pending());
        assertNotNull(decoded.pending().primary().user());
    }
}
