package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.radmfa.api.Decision;
import org.radmfa.api.EapCredentials;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.SharedChallenges;

/** Challenges kept for their answer, here and on the other appliances of a cluster, in a test's time. */
class ChallengesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final MfaOutcome CODE_ASKED = new MfaOutcome(MfaOutcome.Kind.CHALLENGE, "code asked for", "Code?",
            new byte[] {0x0a, 0x0b});

    /** The cluster's map of challenges, with how long each may wait, and the States already taken somewhere. */
    private static class Cluster implements SharedChallenges {
        final Map<String, String> published = new ConcurrentHashMap<>();
        final List<Duration> waits = new ArrayList<>();
        final Set<String> taken = ConcurrentHashMap.newKeySet();

        @Override
        public void offer(byte[] state, String challenge, Duration pendingAtMost) {
            published.put(HexFormat.of().formatHex(state), challenge);
            waits.add(pendingAtMost);
        }

        @Override
        public Optional<String> take(byte[] state) {
            String key = HexFormat.of().formatHex(state);
            String challenge = published.remove(key);
            if (challenge != null) {
                taken.add(key);
            }
            return Optional.ofNullable(challenge);
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

    private final Fakes.Time time = new Fakes.Time();
    private final Cluster cluster = new Cluster();

    private Challenges challenges(SharedChallenges shared) {
        Challenges challenges = new Challenges(() -> shared, time, time.nanoTime);
        challenges.timeout(TIMEOUT);
        return challenges;
    }

    private static Decision offer(Challenges challenges, org.radmfa.api.AuthenticationRequest request, int round) {
        return challenges.offer(request, Fakes.accepted("alice"), Fakes.MFA_POLICY, "otp", CODE_ASKED, round,
                new ArrayList<>());
    }

    @Test
    void onlyAPapLoginWithAStateWithinThreeRoundsIsChallenged() {
        Challenges challenges = challenges(null);
        Decision eap = offer(challenges, Fakes.request("alice", new EapCredentials(new byte[] {2, 1, 0, 5, 1}, null)),
                1);
        assertEquals(ReasonCode.MFA_UNAVAILABLE, eap.reason());
        assertTrue(eap.detail().contains("only PAP can"), eap.detail());
        assertEquals("more than 3 challenge rounds", offer(challenges, Fakes.pap("alice", "pw"), 4).detail());
        Decision noState = challenges.offer(Fakes.pap("alice", "pw"), Fakes.accepted("alice"), Fakes.MFA_POLICY,
                "otp", new MfaOutcome(MfaOutcome.Kind.CHALLENGE, "code", "Code?", null), 1, new ArrayList<>());
        assertEquals("the connector's challenge has no State", noState.detail());
        assertEquals(0, challenges.size());
        assertEquals(Decision.Outcome.CHALLENGE, offer(challenges, Fakes.pap("alice", "pw"), 3).outcome());
        assertEquals(1, challenges.size());
    }

    @Test
    void aStateAnswersOnceForItsOwnUserAndClientOnly() {
        Challenges challenges = challenges(cluster);
        offer(challenges, Fakes.pap("alice", "pw"), 1);
        List<String> trace = new ArrayList<>();
        assertNull(challenges.take(Fakes.pap("mallory", "1"), "0x0a0b", Challenges.stateBytes("0x0a0b"), trace));
        assertTrue(trace.contains("State does not belong to a pending challenge of this user and client"));
        assertEquals(1, cluster.published.size(), "another's answer withdraws nothing, here or in the cluster");
        PendingChallenges.Pending pending = challenges.take(Fakes.pap("Alice", "1"), "0x0A0B",
                Challenges.stateBytes("0x0A0B"), new ArrayList<>());
        assertEquals("otp", pending.connector());
        assertNull(challenges.take(Fakes.pap("alice", "1"), "0x0a0b", Challenges.stateBytes("0x0a0b"),
                new ArrayList<>()), "taken");
        assertEquals(0, Challenges.stateBytes("not hex").length);
    }

    @Test
    void aChallengeIsPublishedWithItsDeadlineAndResumedOnAnotherAppliance() {
        offer(challenges(cluster), Fakes.pap("alice", "pw"), 1);
        assertEquals(List.of(TIMEOUT), cluster.waits);
        String published = cluster.published.get("0a0b");
        assertEquals(time.millis() + TIMEOUT.toMillis(),
                ChallengeCodec.decode(published, time.millis(), 0).expiresAtMillis());

        List<String> trace = new ArrayList<>();
        PendingChallenges.Pending resumed = challenges(cluster).take(Fakes.pap("alice", "1"), "0x0a0b",
                Challenges.stateBytes("0x0a0b"), trace);
        assertEquals(Fakes.MFA_POLICY, resumed.policy());
        assertTrue(trace.contains("the challenge was made by another appliance of the cluster"));
        assertTrue(cluster.published.isEmpty());
    }

    @Test
    void anExpiredOrGarbledChallengeFromAnotherApplianceIsUnknown() {
        offer(challenges(cluster), Fakes.pap("alice", "pw"), 1);
        time.advance(TIMEOUT.plusMillis(1));
        assertNull(challenges(cluster).take(Fakes.pap("alice", "1"), "0x0a0b", Challenges.stateBytes("0x0a0b"),
                new ArrayList<>()));
        cluster.published.put("0c", "not a challenge");
        assertNull(challenges(cluster).take(Fakes.pap("alice", "1"), "0x0c", Challenges.stateBytes("0x0c"),
                new ArrayList<>()));
    }

    /**
     * The gateway sent the answer to another appliance, which took the challenge from the cluster; the same State
     * then reaching the appliance that made it must not be answered again from its own copy.
     */
    @Test
    void aChallengeTakenByAnotherApplianceIsNotAnsweredAgainWhereItWasMade() {
        Challenges here = challenges(cluster);
        offer(here, Fakes.pap("alice", "pw"), 1);
        assertEquals("otp", challenges(cluster).take(Fakes.pap("alice", "1"), "0x0a0b",
                Challenges.stateBytes("0x0a0b"), new ArrayList<>()).connector(), "taken on the other appliance");

        List<String> trace = new ArrayList<>();
        assertNull(here.take(Fakes.pap("alice", "2"), "0x0a0b", Challenges.stateBytes("0x0a0b"), trace));
        assertTrue(trace.contains("the challenge was already answered on another appliance of the cluster"),
                trace.toString());
        assertEquals(0, here.size(), "its own copy is gone too");
    }

    /** A cluster that cannot tell (it does not answer in time) leaves the local copy standing. */
    @Test
    void aClusterThatCannotTellLeavesTheLocalCopyStanding() {
        Cluster away = new Cluster() {
            @Override
            public boolean withdraw(byte[] state) {
                return true;
            }
        };
        Challenges here = challenges(away);
        offer(here, Fakes.pap("alice", "pw"), 1);
        assertEquals("otp", here.take(Fakes.pap("alice", "1"), "0x0a0b", Challenges.stateBytes("0x0a0b"),
                new ArrayList<>()).connector());
    }

    @Test
    void answeredWhereItWasMadeItIsWithdrawnFromTheOthers() {
        Challenges here = challenges(cluster);
        offer(here, Fakes.pap("alice", "pw"), 1);
        assertEquals(1, cluster.published.size());
        here.take(Fakes.pap("alice", "1"), "0x0a0b", Challenges.stateBytes("0x0a0b"), new ArrayList<>());
        assertTrue(cluster.published.isEmpty());
    }
}
