package org.radmfa.transport.internal;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Duplicate detection (RFC 5080 section 2.2.2). A retransmit has the same source address and port, Identifier and
 * Request Authenticator as its original. While the original is being decided, the retransmit joins it instead of
 * starting it again (one MFA push, not two); once decided, the cached response is sent again for the configured
 * window. Expired entries are swept as new requests arrive, so the cache needs no thread of its own.
 *
 * <p>Answered entries also sit in a queue in the order they were answered, which is the order they expire in (one
 * window for all): a sweep looks only at the head of that queue, so it costs O(1) per request whatever the size of
 * the cache. (After the window is shortened, entries behind an older, longer-lived one wait for it: at most the old
 * window.) When the cache is full, the oldest answers are forgotten first, so that the newest requests still get
 * de-duplicated.
 */
final class DuplicateCache {

    /** The identity of a request on the wire. */
    record Key(InetSocketAddress source, int identifier, byte[] authenticator) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key that && identifier == that.identifier && source.equals(that.source)
                    && Arrays.equals(authenticator, that.authenticator);
        }

        @Override
        public int hashCode() {
            return (source.hashCode() * 31 + identifier) * 31 + Arrays.hashCode(authenticator);
        }
    }

    private static final class Entry {
        final CompletableFuture<byte[]> response = new CompletableFuture<>();
        volatile long expiresAtNanos;
        volatile boolean answered;

        boolean expired(long now) {
            return answered && expiresAtNanos - now < 0;
        }
    }

    private record Answered(Key key, Entry entry) {
    }

    /**
     * Beyond this many remembered requests the oldest answers are forgotten before their window ends; if all of them
     * are still being decided (that many MFA waits), new requests are decided without de-duplication.
     */
    static final int MAX_ENTRIES = 100_000;

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    /** Answered entries, oldest answer first; only the holder of {@link #sweeping} takes from it. */
    private final Queue<Answered> answered = new ConcurrentLinkedQueue<>();
    private final ReentrantLock sweeping = new ReentrantLock();
    private final int maxEntries;
    private volatile long windowNanos;

    DuplicateCache(long windowNanos) {
        this(windowNanos, MAX_ENTRIES);
    }

    DuplicateCache(long windowNanos, int maxEntries) {
        this.windowNanos = windowNanos;
        this.maxEntries = maxEntries;
    }

    void window(long nanos) {
        this.windowNanos = nanos;
    }

    /**
     * Registers a request. Returns null for a new one: the caller decides it and calls {@link #complete}.
     * For a retransmit, returns the (possibly still pending) response of the original.
     */
    CompletableFuture<byte[]> register(Key key) {
        sweep(System.nanoTime());
        if (entries.size() >= maxEntries) {
            // Full of requests still being decided (that many MFA waits): no room to remember this one.
            Entry pending = entries.get(key);
            return pending == null ? null : pending.response;
        }
        Entry fresh = new Entry();
        Entry existing = entries.putIfAbsent(key, fresh);
        if (existing == null) {
            return null;
        }
        if (existing.expired(System.nanoTime())) {
            // Same key after the window: a new request that happens to reuse identifier and authenticator.
            entries.replace(key, existing, fresh);
            return null;
        }
        return existing.response;
    }

    /** Records the response and starts the window; retransmits that joined the original get it now. */
    void complete(Key key, byte[] response) {
        Entry entry = entries.get(key);
        if (entry != null) {
            entry.expiresAtNanos = System.nanoTime() + windowNanos;
            entry.answered = true;
            entry.response.complete(response);
            answered.add(new Answered(key, entry));
        }
    }

    /** Forgets a request that was not answered, so that its retransmit is decided afresh. */
    void forget(Key key) {
        Entry entry = entries.remove(key);
        if (entry != null) {
            entry.response.cancel(false);
        }
    }

    /**
     * Forgets the answers whose window has ended, and while the cache is full the oldest answers too. Looks only at
     * the head of the answer queue; a thread that finds another one sweeping leaves it to that one.
     */
    private void sweep(long now) {
        if (!sweeping.tryLock()) {
            return;
        }
        try {
            Answered oldest;
            while ((oldest = answered.peek()) != null
                    && (oldest.entry().expired(now) || entries.size() >= maxEntries)) {
                answered.poll();
                // Only if still this entry: a request that reused the key after the window has an entry of its own.
                entries.remove(oldest.key(), oldest.entry());
            }
        } finally {
            sweeping.unlock();
        }
    }

    int size() {
        return entries.size();
    }
}
