package org.radmfa.pipeline.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.SharedChallenges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connector's challenge kept until the user answers it: here, and, on a cluster, published for the other
 * appliances (radmfa-cluster), since the gateway may send the answer to any of them. A State answers once.
 */
final class Challenges {
    private static final Logger LOG = LoggerFactory.getLogger(Challenges.class);
    /** A user gets a few tries at a code before the login starts over. */
    static final int MAX_ROUNDS = 3;

    private final PendingChallenges pending;
    private final Supplier<SharedChallenges> cluster;
    private final Clock clock;
    private final LongSupplier nanos;
    private volatile Duration timeout = Duration.ofSeconds(50);

    /** @param cluster the challenges shared with other appliances, or null on a single one (a dynamic reference) */
    Challenges(Supplier<SharedChallenges> cluster, Clock clock, LongSupplier nanos) {
        this.pending = new PendingChallenges(nanos);
        this.cluster = cluster;
        this.clock = clock;
        this.nanos = nanos;
    }

    /** How long a challenge waits for its answer: the MFA deadline. */
    void timeout(Duration deadline) {
        this.timeout = deadline;
    }

    /** A connector's challenge becomes an Access-Challenge, if the method allows a typed answer and it is in time. */
    Decision offer(AuthenticationRequest request, PrimaryAuthResult primary, PolicyDecision policy, String connector,
            MfaOutcome outcome, int round, List<String> trace) {
        Duration wait = timeout;
        String refusal = null;
        if (!(request.credentials() instanceof PapCredentials)) {
            refusal = request.credentials().method() + " cannot carry a typed answer; only PAP can";
        } else if (outcome.state() == null || outcome.state().length == 0) {
            refusal = "the connector's challenge has no State";
        } else if (round > MAX_ROUNDS) {
            refusal = "more than " + MAX_ROUNDS + " challenge rounds";
        } else {
            PendingChallenges.Pending challenge = new PendingChallenges.Pending(request.client().name(),
                    request.userName(), primary, policy, connector, round, nanos.getAsLong() + wait.toNanos());
            if (!pending.put(outcome.state(), challenge)) {
                refusal = "too many challenges pending";
            } else {
                SharedChallenges shared = cluster.get();
                if (shared != null) {
                    shared.offer(outcome.state(), ChallengeCodec.encode(challenge, clock.millis() + wait.toMillis()),
                            wait);
                }
            }
        }
        if (refusal != null) {
            trace.add("MFA challenge refused: " + refusal);
            return new Decision(Decision.Outcome.REJECT, ReasonCode.MFA_UNAVAILABLE, refusal, policy.policyName(),
                    List.of(), trace);
        }
        return Decisions.challenge(policy, outcome, trace);
    }

    /** The State attribute's bytes (hex, with or without 0x); empty when it is not hex. */
    static byte[] stateBytes(String state) {
        try {
            return HexFormat.of().parseHex(state.toLowerCase(Locale.ROOT).startsWith("0x") ? state.substring(2)
                    : state);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    /**
     * Takes the challenge this State answers, made here or on another appliance, and withdraws it everywhere; null
     * when it is unknown, expired, another user's or client's (a challenge made here is then left in place), or
     * already taken by another appliance.
     */
    PendingChallenges.Pending take(AuthenticationRequest request, String state, byte[] stateBytes,
            List<String> trace) {
        PendingChallenges.Pending mine = pending.peek(state);
        if (mine != null && !belongs(mine, request)) {
            // Left where it is, here and in the cluster: a wrong answer must not withdraw the user's challenge.
            trace.add("State does not belong to a pending challenge of this user and client");
            return null;
        }
        PendingChallenges.Pending challenge = mine == null ? null : pending.take(state, mine);
        SharedChallenges shared = cluster.get();
        if (shared != null && stateBytes.length > 0) {
            if (challenge != null) {
                // Withdrawn from the other appliances, learning whether one of them took it first (the gateway failed
                // over and back): the State answers once in the cluster, whichever appliance gets it.
                if (!shared.withdraw(stateBytes)) {
                    trace.add("the challenge was already answered on another appliance of the cluster");
                    return null;
                }
            } else {
                Optional<String> published = shared.take(stateBytes);
                if (published.isPresent()) {
                    challenge = fromAnotherAppliance(published.get(), trace);
                }
            }
        }
        if (challenge == null || !belongs(challenge, request)) {
            trace.add("State does not belong to a pending challenge of this user and client");
            return null;
        }
        return challenge;
    }

    private static boolean belongs(PendingChallenges.Pending challenge, AuthenticationRequest request) {
        return challenge.client().equals(request.client().name())
                && challenge.userName().equalsIgnoreCase(request.userName());
    }

    /** A challenge another appliance published, or null when it does not decode or has expired. */
    private PendingChallenges.Pending fromAnotherAppliance(String published, List<String> trace) {
        try {
            long millis = clock.millis();
            ChallengeCodec.Shared shared = ChallengeCodec.decode(published, millis, nanos.getAsLong());
            if (shared.expiresAtMillis() < millis) {
                return null;
            }
            trace.add("the challenge was made by another appliance of the cluster");
            return shared.pending();
        } catch (IllegalArgumentException e) {
            LOG.warn("A challenge published by another appliance does not decode ({}); its State is unknown here",
                    e.getMessage());
            return null;
        }
    }

    int size() {
        return pending.size();
    }
}
