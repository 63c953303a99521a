package org.radmfa.mfa.entra.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * At most {@code limit} HTTP calls in flight; the others wait in a queue, holding no thread. Over HTTP/1.1 each call
 * in flight holds a connection of its own, so without a bound ten thousand pending logins would open ten thousand TLS
 * connections at once: the handshakes alone take seconds of CPU, and each connection keeps its buffers on the heap.
 * With a bound, a few kept-alive connections carry every call. A login's first call (its Begin, which sends the push)
 * goes before every waiting poll, so that a storm of pending logins does not delay the pushes of new ones.
 */
final class RequestLimiter {
    private final int limit;
    private final Executor executor;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private final ArrayDeque<Runnable> waitingFirst = new ArrayDeque<>();
    private int active;

    /**
     * @param executor runs a waiting call when a permit frees up (not the thread that completed the previous call,
     *     so that a chain of failures cannot recurse)
     */
    RequestLimiter(int limit, Executor executor) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        this.limit = limit;
        this.executor = executor;
    }

    /** Runs {@code call} now if a permit is free, else when one is; {@code call} must {@link #release()} once. */
    void submit(Runnable call) {
        submit(call, false);
    }

    /**
     * As {@link #submit(Runnable)}; with {@code first}, ahead of every waiting call submitted without it (in order
     * among themselves).
     */
    void submit(Runnable call, boolean first) {
        synchronized (this) {
            if (active >= limit) {
                (first ? waitingFirst : waiting).addLast(call);
                return;
            }
            active++;
        }
        call.run();
    }

    /** A call finished (or was not made): its permit goes to the next waiting call, if any. */
    void release() {
        Runnable next;
        synchronized (this) {
            next = waitingFirst.isEmpty() ? waiting.pollFirst() : waitingFirst.pollFirst();
            if (next == null) {
                active--;
                return;
            }
        }
        try {
            executor.execute(next);
        } catch (RejectedExecutionException stopped) {
            // The connector is closing: close() answers every pending verification.
        }
    }

    /** Calls waiting for a permit. */
    synchronized int waiting() {
        return waiting.size() + waitingFirst.size();
    }

    /** Calls in flight. */
    synchronized int active() {
        return active;
    }
}
