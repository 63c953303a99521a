package org.radmfa.itests;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling instead of sleeps: wait until a condition holds, or fail with what was awaited. */
final class Await {

    private static final long POLL_MILLIS = 100;

    private Await() {
    }

    /** Polls {@code condition} until it is true; throws {@link AssertionError} after {@code timeout}. */
    static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }
}
