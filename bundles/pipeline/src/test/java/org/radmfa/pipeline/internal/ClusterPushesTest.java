package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.SharedMfaLogins;

/** One push per login across appliances, with the deadline in the test's hands. */
class ClusterPushesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The cluster's claims, in memory; what each appliance published. */
    private static final class Cluster implements SharedMfaLogins {
        final Map<String, CompletableFuture<MfaOutcome>> claims = new ConcurrentHashMap<>();
        final List<MfaOutcome> published = new ArrayList<>();

        @Override
        public Optional<CompletionStage<MfaOutcome>> claim(String login, Duration pendingAtMost) {
            CompletableFuture<MfaOutcome> held = claims.putIfAbsent(login, new CompletableFuture<>());
            return held == null ? Optional.empty() : Optional.of(held);
        }

        @Override
        public synchronized void completed(String login, MfaOutcome outcome) {
            published.add(outcome);
            CompletableFuture<MfaOutcome> held = claims.remove(login);
            if (held != null) {
                held.complete(outcome);
            }
        }
    }

    private final Cluster cluster = new Cluster();
    private final Fakes.Deadlines deadlines = new Fakes.Deadlines();

    @Test
    void theFirstApplianceAsksAndPublishesTheSecondJoinsWithinItsDeadline() {
        CompletableFuture<MfaOutcome> push = new CompletableFuture<>();
        List<String> trace = new ArrayList<>();
        CompletableFuture<MfaOutcome> mine = ClusterPushes.across(cluster, "alice|1.2.3.4", TIMEOUT, deadlines,
                () -> push, trace).get();
        assertSame(push, mine);
        CompletableFuture<MfaOutcome> joined = ClusterPushes.across(cluster, "alice|1.2.3.4", TIMEOUT, deadlines,
                () -> {
                    throw new AssertionError("a second push");
                }, trace).get();
        assertEquals(List.of("joined the second factor of the same login pending on another appliance"), trace);
        assertEquals(List.of(TIMEOUT), deadlines.timeouts, "the joined one is bounded by the deadline too");
        push.complete(MfaOutcome.of(MfaOutcome.Kind.APPROVED, "approved"));
        assertEquals(MfaOutcome.Kind.APPROVED, joined.join().kind());
        assertTrue(cluster.claims.isEmpty());
    }

    @Test
    void aPushThatTimesOutIsPublishedAsTimedOutAndAJoinerWaitsNoLongerThanItsDeadline() {
        CompletableFuture<MfaOutcome> push = new CompletableFuture<>();
        assertSame(push, ClusterPushes.across(cluster, "bob|", TIMEOUT, deadlines, () -> push, new ArrayList<>())
                .get());
        CompletableFuture<MfaOutcome> joined = ClusterPushes.across(cluster, "bob|", TIMEOUT, deadlines,
                CompletableFuture::new, new ArrayList<>()).get();
        deadlines.pass();
        CompletionException ended = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                joined::join);
        assertTrue(ended.getCause() instanceof TimeoutException, ended.toString());
        assertFalse(push.isDone(), "the deadline here bounds the join, not the other appliance's push");
        push.completeExceptionally(new TimeoutException());
        assertEquals(MfaOutcome.Kind.TIMED_OUT, cluster.published.get(0).kind());
    }
}
