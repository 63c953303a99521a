package org.radmfa.pipeline.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.radmfa.api.MfaOutcome;
import org.radmfa.api.SharedMfaLogins;

/**
 * One push per login across the appliances of a cluster (radmfa-cluster's {@link SharedMfaLogins}): a gateway that
 * fails over mid-push to another appliance joins the push instead of sending a second one.
 */
final class ClusterPushes {
    private ClusterPushes() {
    }

    /**
     * The second factor of a login, once across appliances: joined when another appliance holds the login's claim,
     * asked here otherwise and its outcome published for the others. Either way bounded by the MFA deadline.
     */
    static Supplier<CompletableFuture<MfaOutcome>> across(SharedMfaLogins cluster, String login, Duration timeout,
            MfaDeadline deadline, Supplier<CompletableFuture<MfaOutcome>> start, List<String> trace) {
        return () -> {
            Optional<CompletionStage<MfaOutcome>> elsewhere = cluster.claim(login, timeout);
            if (elsewhere.isPresent()) {
                trace.add("joined the second factor of the same login pending on another appliance");
                return deadline.bound(elsewhere.get().toCompletableFuture(), timeout);
            }
            CompletableFuture<MfaOutcome> mine = start.get();
            mine.whenComplete((outcome, failure) -> cluster.completed(login, outcome != null ? outcome
                    : MfaOutcome.of(failure instanceof TimeoutException ? MfaOutcome.Kind.TIMED_OUT
                            : MfaOutcome.Kind.UNAVAILABLE, "on another appliance: " + failure)));
            return mine;
        };
    }
}
