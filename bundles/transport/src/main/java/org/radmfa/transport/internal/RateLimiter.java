package org.radmfa.transport.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client: a flooding gateway is cut to its rate so that it cannot starve the others. Checked
 * before any cryptography, so a flood costs little. A rate of 0 turns the limit off.
 */
final class RateLimiter {

    private static final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized boolean take(double ratePerNano, double burst, long now) {
            tokens = Math.min(burst, tokens + (now - refilledAt) * ratePerNano);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile int perSecond;
    private volatile int burst;

    void configure(int perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        buckets.clear();
    }

    /** Whether the client may send one more request now. */
    boolean allow(String client, long nowNanos) {
        int rate = perSecond;
        if (rate <= 0) {
            return true;
        }
        int capacity = burst;
        Bucket bucket = buckets.computeIfAbsent(client, name -> new Bucket(capacity, nowNanos));
        return bucket.take(rate / 1e9, capacity, nowNanos);
    }
}
