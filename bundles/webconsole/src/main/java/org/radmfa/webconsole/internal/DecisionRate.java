package org.radmfa.webconsole.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Decisions per second over the last few seconds, counted in one-second buckets without a lock (the decision listener
 * runs on the deciding thread, at tens of thousands of decisions a second). A bucket is reset by the first count of a
 * new second; a count racing that reset may be lost, which a dashboard figure can afford.
 */
final class DecisionRate {

    private static final int BUCKETS = 64;

    private final AtomicLongArray seconds = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongSupplier clockMillis;

    DecisionRate(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        for (int i = 0; i < BUCKETS; i++) {
            seconds.set(i, -1);
        }
    }

    void count() {
        long second = clockMillis.getAsLong() / 1000;
        int index = (int) Math.floorMod(second, BUCKETS);
        long stamp = seconds.get(index);
        if (stamp != second && seconds.compareAndSet(index, stamp, second)) {
            counts.set(index, 0);
        }
        counts.incrementAndGet(index);
    }

    /** Average per second over the {@code window} complete seconds before the current one. */
    double perSecond(int window) {
        if (window < 1 || window >= BUCKETS) {
            throw new IllegalArgumentException("window must be 1.." + (BUCKETS - 1) + " seconds: " + window);
        }
        long now = clockMillis.getAsLong() / 1000;
        long sum = 0;
        for (long second = now - window; second < now; second++) {
            int index = (int) Math.floorMod(second, BUCKETS);
            if (seconds.get(index) == second) {
                sum += counts.get(index);
            }
        }
        return (double) sum / window;
    }
}
