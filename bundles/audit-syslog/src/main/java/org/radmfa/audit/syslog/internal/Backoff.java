package org.radmfa.audit.syslog.internal;

/**
 * How long to wait before the next connection attempt: doubled after each failure, from the first delay up to the
 * maximum, so that a collector that is down for long is tried every maximum, and one back after a restart is found
 * within a second or two.
 */
record Backoff(long firstMillis, long maxMillis) {

    Backoff {
        if (firstMillis < 1 || maxMillis < firstMillis) {
            throw new IllegalArgumentException("back-off from " + firstMillis + " ms to " + maxMillis + " ms");
        }
    }

    /** @param failures consecutive failures so far, at least 1 */
    long delayMillis(int failures) {
        int doublings = Math.min(Math.max(failures, 1) - 1, 30);
        return Math.min(maxMillis, firstMillis << doublings);
    }
}
