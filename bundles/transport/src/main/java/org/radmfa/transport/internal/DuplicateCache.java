package org.radmfa.transport.internal;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Duplicate detection (RFC 5080 section 2.2.2). A retransmit has the same source address and port, Identifier and
 * Request Authenticator as its original. While the original is being decided, the retransmit joins it instead of
 * starting it again (one MFA push, not two); once decided, the cached response is sent again for the configured
 * window. Expired entries are swept as new requests arrive, so the cache needs no thread of its own.
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

    private static final int SWEEP_EVERY = 1024;
    /** Beyond this many remembered requests (a flood), new ones are decided without de-duplication. */
    static final int MAX_ENTRIES = 100_000;

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();
    private volatile long windowNanos;

    DuplicateCache(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    void window(long nanos) {
        this.windowNanos = nanos;
    }

    /**
     * Registers a request. Returns null for a new one: the caller decides it and calls {@link #complete}.
     * For a retransmit, returns the (possibly still pending) response of the original.
     */
    CompletableFuture<byte[]> register(Key key) {
        if (sinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            sinceSweep.set(0);
            sweep(System.nanoTime());
        }
        if (entries.size() >= MAX_ENTRIES) {
            // Full (a flood, or that many MFA waits): no sweep here, which would scan the whole map per datagram;
            // the periodic sweep above frees room as answers expire.
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
        }
    }

    /** Forgets a request that was not answered, so that its retransmit is decided afresh. */
    void forget(Key key) {
        Entry entry = entries.remove(key);
        if (entry != null) {
            entry.response.cancel(false);
        }
    }

    private void sweep(long now) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            if (it.next().expired(now)) {
                it.remove();
            }
        }
    }

    int size() {
        return entries.size();
    }
}
