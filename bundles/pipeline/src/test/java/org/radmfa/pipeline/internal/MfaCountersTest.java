package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.radmfa.api.MfaListener;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaStatus;

class MfaCountersTest {
    private final Fakes.Time time = new Fakes.Time();
    private final List<String> heard = new ArrayList<>();
    private final MfaCounters counters = new MfaCounters(() -> List.<MfaListener>of((kind, took) -> {
        throw new IllegalStateException("a broken listener changes nothing");
    }, (kind, took) -> heard.add(kind + " " + took)), time, time.nanoTime);

    @Test
    void eachEndIsCountedWithHowLongItTookAndWhenTheServiceLastWorkedOrFailed() {
        long started = time.nanoTime.getAsLong();
        time.advance(Duration.ofSeconds(4));
        counters.completed(MfaOutcome.of(MfaOutcome.Kind.APPROVED, "ok"), null, started);
        Instant approved = time.instant();
        time.advance(Duration.ofSeconds(1));
        counters.completed(null, new CompletionException(new TimeoutException()), started);
        counters.completed(null, new IllegalStateException("connection refused"), started);
        counters.completed(MfaOutcome.of(MfaOutcome.Kind.DENIED, "no"), null, started);

        assertEquals(List.of("APPROVED PT4S", "TIMED_OUT PT5S", "UNAVAILABLE PT5S", "DENIED PT5S"), heard);
        MfaStatus status = counters.status("push", 3);
        assertEquals("push", status.connector());
        assertEquals(3, status.pending());
        assertEquals(1L, status.outcomes().get(MfaOutcome.Kind.APPROVED));
        assertEquals(1L, status.outcomes().get(MfaOutcome.Kind.TIMED_OUT));
        assertEquals(1L, status.outcomes().get(MfaOutcome.Kind.UNAVAILABLE));
        assertEquals(0L, status.outcomes().get(MfaOutcome.Kind.NOT_ENROLLED));
        assertEquals(approved, status.lastApproved());
        assertEquals(time.instant(), status.lastUnavailable());
        assertEquals("java.lang.IllegalStateException: connection refused", status.lastUnavailableDetail());
    }

    @Test
    void beforeAnyAttemptNothingIsKnown() {
        MfaStatus status = counters.status(null, 0);
        assertNull(status.lastApproved());
        assertNull(status.lastUnavailable());
        assertEquals(0L, status.outcomes().get(MfaOutcome.Kind.APPROVED));
    }
}
