package org.radmfa.cluster.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hazelcast calls that have no asynchronous form (IMap's putIfAbsent, remove), made for a thread that must not be
 * held long by a cluster that does not answer: the call runs on a small pool of its own (its threads end when idle),
 * and the caller waits a bounded time.
 */
final class ClusterCalls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterCalls.class);
    private final ThreadPoolExecutor pool;

    ClusterCalls(String threadName, int threads) {
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256),
                runnable -> {
                    Thread thread = new Thread(runnable, threadName);
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /** The call's result, if the cluster gave it within {@code waitMillis}. */
    <T> T call(Supplier<T> call, long waitMillis) throws InterruptedException, ExecutionException,
            TimeoutException {
        return CompletableFuture.supplyAsync(call, pool).get(waitMillis, TimeUnit.MILLISECONDS);
    }

    /** Makes the call on the pool without waiting for it; a failure, or a pool too busy to take it, is logged. */
    void later(String what, Runnable call) {
        try {
            CompletableFuture.runAsync(call, pool).whenComplete((done, failure) -> {
                if (failure != null) {
                    LOG.warn("The cluster failed {} ({})", what, failure.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("The cluster is not keeping up: {} was dropped", what);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
