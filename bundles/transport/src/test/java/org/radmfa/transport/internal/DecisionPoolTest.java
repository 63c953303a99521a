package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

class DecisionPoolTest {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    @Test
    void aTaskGoesToANewWorkerThenToTheIdleOneAndNowhereWhileAllAreBusy() throws Exception {
        try (DecisionPool pool = new DecisionPool(1, MINUTE)) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<String> firstThread = new AtomicReference<>();
            assertTrue(pool.handOff(() -> {
                firstThread.set(Thread.currentThread().getName());
                await(release);
            }));
            assertFalse(pool.handOff(() -> { }), "the only worker is busy: the caller decides");
            release.countDown();
            awaitCondition(pool::mayTake);
            AtomicReference<String> secondThread = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            // The worker may not wait idle yet when mayTake turns true (it is counted as it starts to wait).
            awaitCondition(() -> pool.handOff(() -> {
                secondThread.set(Thread.currentThread().getName());
                done.countDown();
            }));
            assertTrue(done.await(1, TimeUnit.MINUTES));
            assertEquals(firstThread.get(), secondThread.get());
            assertTrue(secondThread.get().startsWith("radmfa-radius-decider-"), secondThread.get());
            assertEquals(1, pool.workers());
        }
    }

    @Test
    void noWorkersHandsNothingOn() {
        try (DecisionPool pool = new DecisionPool(0, MINUTE)) {
            assertFalse(pool.mayTake());
            assertFalse(pool.handOff(() -> { }));
            assertEquals(0, pool.workers());
        }
    }

    @Test
    void anIdleWorkerEndsAfterItsKeepAlive() {
        try (DecisionPool pool = new DecisionPool(2, TimeUnit.MILLISECONDS.toNanos(1))) {
            assertTrue(pool.handOff(() -> { }));
            awaitCondition(() -> pool.workers() == 0);
        }
    }

    @Test
    void aFailingTaskDoesNotEndTheWorker() throws Exception {
        try (DecisionPool pool = new DecisionPool(1, MINUTE)) {
            assertTrue(pool.handOff(() -> {
                throw new IllegalStateException("a broken decision");
            }));
            CountDownLatch done = new CountDownLatch(1);
            awaitCondition(() -> pool.handOff(done::countDown));
            assertTrue(done.await(1, TimeUnit.MINUTES));
            assertEquals(1, pool.workers());
        }
    }

    @Test
    void aClosedPoolHandsNothingOnAndItsIdleWorkersEnd() {
        DecisionPool pool = new DecisionPool(1, MINUTE);
        assertTrue(pool.handOff(() -> { }));
        awaitCondition(pool::mayTake);
        pool.close();
        assertFalse(pool.mayTake());
        assertFalse(pool.handOff(() -> { }));
        awaitCondition(() -> pool.workers() == 0);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(1, TimeUnit.MINUTES));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits for a condition; the bound only ends a failing test. */
    private static void awaitCondition(BooleanSupplier condition) {
        long deadline = System.nanoTime() + MINUTE;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within a minute");
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
