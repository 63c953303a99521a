package org.radmfa.pipeline.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaRequest;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.SharedMfaLogins;

/**
 * The second factor: asks the MFA connector (a push, or a challenge and its answers) within the MFA deadline, behind
 * the guards (one push per login, here and across the cluster; push-fatigue limit; reconnect grace), and applies the
 * fail mode when the service is unavailable. Holds no thread while the user reaches for their phone.
 */
final class MfaStage {
    private final MfaGuards guards;
    private final Challenges challenges;
    private final FailMode failMode;
    private final MfaCounters counters;
    private final Supplier<SharedMfaLogins> cluster;
    private final Supplier<MfaConnector> bound;
    private final MfaDeadline deadline;
    private final Clock clock;
    private final LongSupplier nanos;
    private volatile Duration timeout = Duration.ofSeconds(50);

    /**
     * @param cluster pending second factors shared with other appliances, or null (a dynamic reference)
     * @param bound the MFA connector bound now, or null (a dynamic reference)
     */
    MfaStage(MfaGuards guards, Challenges challenges, FailMode failMode, MfaCounters counters,
            Supplier<SharedMfaLogins> cluster, Supplier<MfaConnector> bound, MfaDeadline deadline, Clock clock,
            LongSupplier nanos) {
        this.guards = guards;
        this.challenges = challenges;
        this.failMode = failMode;
        this.counters = counters;
        this.cluster = cluster;
        this.bound = bound;
        this.deadline = deadline;
        this.clock = clock;
        this.nanos = nanos;
    }

    /** How long a second factor may take. */
    void timeout(Duration mfaTimeout) {
        this.timeout = mfaTimeout;
    }

    /** The first round of the second factor a network policy asks for; without a connector, a reject. */
    CompletionStage<Decision> verify(AuthenticationRequest request, PrimaryAuthResult primary, PolicyDecision policy,
            MfaConnector connector, List<String> trace) {
        if (connector == null) {
            trace.add("MFA required, no MFA connector is installed");
            return CompletableFuture.completedFuture(Decisions.reject(ReasonCode.MFA_UNAVAILABLE, "network policy '"
                    + policy.policyName() + "' requires MFA and no MFA connector is installed", policy, trace));
        }
        return ask(request, primary, policy, connector, null, null, 1, trace);
    }

    /**
     * The user's answer to a challenge (an OTP in User-Password, the State echoed): the first round's verdicts are
     * kept, only the connector is asked again, and only the connector that challenged.
     */
    CompletionStage<Decision> resume(AuthenticationRequest request, String state, MfaConnector connector,
            List<String> trace) {
        byte[] stateBytes = Challenges.stateBytes(state);
        PendingChallenges.Pending pending = challenges.take(request, state, stateBytes, trace);
        if (pending == null) {
            return CompletableFuture.completedFuture(Decision.reject(ReasonCode.MFA_DENIED,
                    "unknown, expired or foreign challenge State", trace));
        }
        trace.add("answer to MFA challenge round " + pending.round() + " of network policy '"
                + pending.policy().policyName() + "'");
        if (connector == null || !connector.name().equals(pending.connector())) {
            trace.add("MFA connector '" + pending.connector() + "' that challenged is gone");
            return CompletableFuture.completedFuture(Decisions.reject(ReasonCode.MFA_UNAVAILABLE,
                    "the MFA connector that sent the challenge is no longer installed", pending.policy(), trace));
        }
        String answer = ((PapCredentials) request.credentials()).password();
        return ask(request, pending.primary(), pending.policy(), connector, answer, stateBytes, pending.round() + 1,
                trace);
    }

    /** Second factors waiting for a phone or for a typed answer. */
    int pending() {
        return guards.pending() + challenges.size();
    }

    private CompletionStage<Decision> ask(AuthenticationRequest request, PrimaryAuthResult primary,
            PolicyDecision policy, MfaConnector connector, String answer, byte[] state, int round,
            List<String> trace) {
        Duration wait = timeout;
        MfaRequest mfaRequest = new MfaRequest(request, primary.user(), policy.policyName(),
                clock.instant().plus(wait), answer, state);
        Supplier<CompletableFuture<MfaOutcome>> start = () -> {
            CompletableFuture<MfaOutcome> started;
            try {
                started = connector.verify(mfaRequest).toCompletableFuture();
            } catch (RuntimeException e) {
                started = CompletableFuture.failedFuture(e);
            }
            return deadline.bound(started, wait);
        };
        String login = MfaGuards.login(request, primary.user().name());
        SharedMfaLogins shared = cluster.get();
        if (shared != null && answer == null) {
            start = ClusterPushes.across(shared, login, wait, deadline, start, trace);
        }
        long now = nanos.getAsLong();
        CompletableFuture<MfaOutcome> outcome;
        if (answer != null) {
            outcome = start.get();
        } else if (guards.inGrace(login, now)) {
            trace.add("MFA skipped: the same login was approved within the reconnect grace");
            return CompletableFuture.completedFuture(Decisions.accept(policy, primary, "granted by network policy '"
                    + policy.policyName() + "' within the MFA reconnect grace", trace));
        } else {
            MfaGuards.Push push = guards.push(login, primary.user().name(), now, start);
            if (push.limited()) {
                trace.add("MFA refused: too many prompts for this user (push-fatigue guard)");
                return CompletableFuture.completedFuture(Decisions.reject(ReasonCode.MFA_RATE_LIMITED,
                        "too many second-factor prompts for user '" + primary.user().name() + "' in a short time",
                        policy, trace));
            }
            if (push.joined()) {
                trace.add("joined the pending second factor of the same login (user and Calling-Station-Id)");
            }
            outcome = push.outcome();
        }
        return outcome.handle((result, failure) -> {
            counters.completed(result, failure, now);
            Decision decision = afterMfa(policy, primary, connector.name(), result, failure, trace);
            if (decision.outcome() == Decision.Outcome.CHALLENGE) {
                return challenges.offer(request, primary, policy, connector.name(), result, round, trace);
            }
            if (decision.outcome() == Decision.Outcome.ACCEPT) {
                guards.approved(login, nanos.getAsLong());
            }
            if (decision.reason() != ReasonCode.MFA_UNAVAILABLE) {
                return decision;
            }
            if (bound.get() != connector) {
                // Stopped or swapped while the user was being asked (its service is unregistered before it ends its
                // logins): the operator's doing, not the MFA service being down; the user logs in again.
                trace.add("MFA connector '" + connector.name() + "' stopped while the user was being asked:"
                        + " rejected, the fail mode applies only to a connector that is installed");
                return Decisions.reject(ReasonCode.MFA_UNAVAILABLE, decision.detail(), policy, trace);
            }
            return failMode.apply(request, primary, policy, decision, trace);
        });
    }

    private static Decision afterMfa(PolicyDecision policy, PrimaryAuthResult primary, String connector,
            MfaOutcome outcome, Throwable failure, List<String> trace) {
        if (failure != null) {
            boolean timedOut = MfaCounters.timedOut(failure);
            ReasonCode reason = timedOut ? ReasonCode.MFA_TIMED_OUT : ReasonCode.MFA_UNAVAILABLE;
            trace.add("MFA connector '" + connector + "': " + (timedOut ? "no answer before the deadline" : failure));
            return Decisions.reject(reason, "MFA connector '" + connector + "' "
                    + (timedOut ? "did not answer before the deadline" : "failed"), policy, trace);
        }
        trace.add("MFA connector '" + connector + "': " + outcome.kind() + " (" + outcome.detail() + ")");
        return switch (outcome.kind()) {
            case APPROVED -> Decisions.accept(policy, primary, "granted by network policy '" + policy.policyName()
                    + "' after MFA by '" + connector + "'", trace);
            case CHALLENGE -> Decisions.challenge(policy, outcome, trace);
            case DENIED -> Decisions.reject(ReasonCode.MFA_DENIED, outcome.detail(), policy, trace);
            case TIMED_OUT -> Decisions.reject(ReasonCode.MFA_TIMED_OUT, outcome.detail(), policy, trace);
            case NOT_ENROLLED -> Decisions.reject(ReasonCode.MFA_NOT_ENROLLED, outcome.detail(), policy, trace);
            case UNAVAILABLE -> Decisions.reject(ReasonCode.MFA_UNAVAILABLE, outcome.detail(), policy, trace);
        };
    }
}
