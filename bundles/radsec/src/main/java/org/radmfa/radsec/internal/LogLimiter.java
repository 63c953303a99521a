package org.radmfa.radsec.internal;

/**
 * At most {@code burst} log lines of one kind per ten seconds: a scan or a flood of bad handshakes must not flood the
 * log. What was held back is counted and said with the next line let through.
 */
final class LogLimiter {
    private static final long WINDOW_NANOS = 10_000_000_000L;
    private final int burst;
    private long windowStart = System.nanoTime();
    private int inWindow;
    private long suppressed;

    LogLimiter(int burst) {
        this.burst = burst;
    }

    /** -1 when this line is to be held back, else how many were held back before it. */
    synchronized long admit(long now) {
        if (now - windowStart > WINDOW_NANOS) {
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= burst) {
            suppressed++;
            return -1;
        }
        inWindow++;
        long before = suppressed;
        suppressed = 0;
        return before;
    }
}
