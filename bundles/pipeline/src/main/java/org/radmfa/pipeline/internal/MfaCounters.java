package org.radmfa.pipeline.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.radmfa.api.MfaListener;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How second-factor attempts ended, for radmfa:mfa, the web console and the MFA listeners (metrics). */
final class MfaCounters {
    private static final Logger LOG = LoggerFactory.getLogger(MfaCounters.class);

    private final Map<MfaOutcome.Kind, LongAdder> outcomes = new EnumMap<>(MfaOutcome.Kind.class);
    private final Supplier<List<MfaListener>> listeners;
    private final Clock clock;
    private final LongSupplier nanos;
    private volatile Instant lastApproved;
    private volatile Instant lastUnavailable;
    private volatile String lastUnavailableDetail;

    /** @param listeners the listeners bound when an attempt ends (a dynamic reference, read at that moment) */
    MfaCounters(Supplier<List<MfaListener>> listeners, Clock clock, LongSupplier nanos) {
        this.listeners = listeners;
        this.clock = clock;
        this.nanos = nanos;
        for (MfaOutcome.Kind kind : MfaOutcome.Kind.values()) {
            outcomes.put(kind, new LongAdder());
        }
    }

    /** A connector that failed, or did not answer before the deadline. */
    static boolean timedOut(Throwable failure) {
        return failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException;
    }

    /** Counts an attempt that started at {@code startedNanos} and tells the listeners how it ended. */
    void completed(MfaOutcome result, Throwable failure, long startedNanos) {
        MfaOutcome.Kind kind;
        if (failure != null) {
            kind = timedOut(failure) ? MfaOutcome.Kind.TIMED_OUT : MfaOutcome.Kind.UNAVAILABLE;
        } else {
            kind = result.kind();
        }
        outcomes.get(kind).increment();
        Duration took = Duration.ofNanos(nanos.getAsLong() - startedNanos);
        for (MfaListener listener : listeners.get()) {
            try {
                listener.completed(kind, took);
            } catch (RuntimeException e) {
                LOG.warn("MFA listener {} failed: {}", listener, e.toString());
            }
        }
        if (kind == MfaOutcome.Kind.APPROVED) {
            lastApproved = clock.instant();
        } else if (kind == MfaOutcome.Kind.UNAVAILABLE) {
            lastUnavailableDetail = failure != null ? failure.toString() : result.detail();
            lastUnavailable = clock.instant();
        }
    }

    MfaStatus status(String connector, int pending) {
        Map<MfaOutcome.Kind, Long> counts = new EnumMap<>(MfaOutcome.Kind.class);
        outcomes.forEach((kind, count) -> counts.put(kind, count.sum()));
        return new MfaStatus(connector, pending, counts, lastApproved, lastUnavailable, lastUnavailableDetail);
    }
}
