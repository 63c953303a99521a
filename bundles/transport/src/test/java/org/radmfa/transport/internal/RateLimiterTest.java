package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long MS = 1_000_000L;

    @Test
    void aBurstPassesThenTheRateHoldsPerClient() {
        RateLimiter limiter = new RateLimiter();
        limiter.configure(10, 5);
        long t0 = 42 * MS;
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.allow("gw", t0));
        }
        assertFalse(limiter.allow("gw", t0));
        assertTrue(limiter.allow("other-gw", t0), "another client has its own bucket");
        assertFalse(limiter.allow("gw", t0 + 50 * MS));
        assertTrue(limiter.allow("gw", t0 + 100 * MS), "one token per 100 ms at 10/s");
        assertFalse(limiter.allow("gw", t0 + 100 * MS));
    }

    @Test
    void zeroMeansNoLimit() {
        RateLimiter limiter = new RateLimiter();
        limiter.configure(0, 1);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(limiter.allow("gw", 0));
        }
    }
}
