package org.radmfa.transport.internal;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads that decide requests a reading thread hands them. The kernel gives every datagram of one source address and
 * port to the same socket, so one gateway's requests are all read by one thread; handed on, they are decided on every
 * processor.
 *
 * <p>A request is handed only to a worker that waits idle (or to a new one, up to the maximum): when every worker is
 * busy, {@link #handOff} says no and the reading thread decides the request itself, so that nothing queues here and a
 * machine under full load pays nothing for the pool. Workers left idle for the keep-alive time end, so that an idle
 * appliance keeps no thread for this.
 */
final class DecisionPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionPool.class);

    private final SynchronousQueue<Runnable> handOff = new SynchronousQueue<>();
    private final AtomicInteger workers = new AtomicInteger();
    private final AtomicInteger idle = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final long keepAliveNanos;
    private volatile int maxWorkers;
    private volatile boolean closed;

    /**
     * @param maxWorkers threads at most; 0 hands nothing on
     * @param keepAliveNanos how long a worker waits idle for the next request before it ends
     */
    DecisionPool(int maxWorkers, long keepAliveNanos) {
        this.maxWorkers = maxWorkers;
        this.keepAliveNanos = keepAliveNanos;
    }

    /** Changes the maximum; workers beyond it end when they next wait idle. */
    void maxWorkers(int max) {
        this.maxWorkers = max;
    }

    /**
     * Whether {@link #handOff} may take a task now: a cheap hint, read before the caller prepares the task (a request
     * registered in the duplicate cache).
     */
    boolean mayTake() {
        return !closed && (idle.get() > 0 || workers.get() < maxWorkers);
    }

    /**
     * Gives {@code task} to an idle worker, or to a new one while there are fewer than the maximum.
     *
     * @return false when every worker is busy (or the pool is closed): the caller runs the task itself
     */
    boolean handOff(Runnable task) {
        if (closed) {
            return false;
        }
        if (idle.get() > 0 && handOff.offer(task)) {
            return true;
        }
        for (int n = workers.get(); n < maxWorkers; n = workers.get()) {
            if (workers.compareAndSet(n, n + 1)) {
                Thread thread = new Thread(() -> work(task), "radmfa-radius-decider-" + started.incrementAndGet());
                thread.setDaemon(true);
                thread.start();
                return true;
            }
        }
        return false;
    }

    private void work(Runnable first) {
        Runnable task = first;
        try {
            while (task != null) {
                run(task);
                task = null;
                if (closed || workers.get() > maxWorkers) {
                    return;
                }
                idle.incrementAndGet();
                try {
                    task = handOff.poll(keepAliveNanos, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    return;
                } finally {
                    idle.decrementAndGet();
                }
            }
        } finally {
            workers.decrementAndGet();
        }
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("A request could not be decided; the worker keeps running", e);
        }
    }

    /** Workers currently alive, for tests and management. */
    int workers() {
        return workers.get();
    }

    /** Idle workers end at once; busy ones after their task. Nothing is handed on any more. */
    @Override
    public void close() {
        closed = true;
        // A worker waiting idle gets nothing more: wake each with a task that does nothing. One that is not waiting
        // yet ends by its keep-alive.
        try {
            while (idle.get() > 0 && handOff.offer(() -> { }, 10, TimeUnit.MILLISECONDS)) {
                // one per idle worker
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
