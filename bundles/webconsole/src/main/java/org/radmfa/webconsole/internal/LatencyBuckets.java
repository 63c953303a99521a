package org.radmfa.webconsole.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Decision latencies counted into fixed buckets, lock-free and never reset: the charts take the difference of two
 * snapshots to get one interval's distribution, so a count racing a snapshot lands in one interval or the next and is
 * never lost. A percentile is reported as the upper bound of its bucket (the bounds follow a 1-2-5 progression, so it
 * overstates by at most 2.5x, enough to tell 5 ms from 500 ms from the 30 s a gateway waits).
 */
final class LatencyBuckets {

    /** Upper bounds in milliseconds; a last, open bucket takes the rest. */
    static final long[] BOUNDS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000,
        60_000};

    private final AtomicLongArray counts = new AtomicLongArray(BOUNDS.length + 1);

    void record(long millis) {
        counts.incrementAndGet(bucketOf(millis));
    }

    static int bucketOf(long millis) {
        for (int i = 0; i < BOUNDS.length; i++) {
            if (millis <= BOUNDS[i]) {
                return i;
            }
        }
        return BOUNDS.length;
    }

    long[] snapshot() {
        long[] copy = new long[counts.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = counts.get(i);
        }
        return copy;
    }

    /**
     * The {@code quantile} (0..1) of the decisions counted between two snapshots, as a bucket's upper bound in
     * milliseconds (the open bucket reports the last bound); null when no decision was counted in between.
     */
    static Long percentile(long[] before, long[] after, double quantile) {
        long total = 0;
        for (int i = 0; i < after.length; i++) {
            total += after[i] - before[i];
        }
        if (total <= 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < after.length; i++) {
            seen += after[i] - before[i];
            if (seen >= rank) {
                return BOUNDS[Math.min(i, BOUNDS.length - 1)];
            }
        }
        return BOUNDS[BOUNDS.length - 1];
    }
}
