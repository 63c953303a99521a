package org.radmfa.transport.internal;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Duplicate detection (RFC 5080 section 2.2.2). A retransmit has the same source address and port, Identifier and
 * Request Authenticator as its original. While the original is being decided, the retransmit joins it instead of
 * starting it again (one MFA push, not two); once decided, the cached response is sent again for the configured
 * window. Expired entries are swept as new requests arrive, so the cache needs no thread of its own.
 *
 * <p>Answered entries are also linked in the order they were answered, which is the order they expire in (one
 * window for all): a sweep looks only at the head of that list, so it costs O(1) per request whatever the size of
 * the cache. (After the window is shortened, entries behind an older, longer-lived one wait for it: at most the old
 * window.) When the cache is full, the oldest answers are forgotten first, so that the newest requests still get
 * de-duplicated.
 *
 * <p>An entry is kept for the whole window, so at full load the cache holds up to {@link #MAX_ENTRIES} of them and
 * every young collection has to copy the recent ones: an entry is one object plus its response and the map's node
 * (no address, authenticator or future objects of its own), which keeps those collections short.
 */
final class DuplicateCache {

    /**
     * The identity of a request on the wire, compared by value; the instance the cache holds also carries the
     * request's answer and its place in the answer order.
     */
    static final class Key {
        private final long addressHigh;
        private final long addressLow;
        private final long authenticatorHigh;
        private final long authenticatorLow;
        private final int portAndIdentifier;
        private final int hash;

        /** The response once answered; null while the request is being decided. */
        private volatile byte[] response;
        /** Retransmits waiting for the response; created only when one arrives early. Guarded by this. */
        private CompletableFuture<byte[]> joined;
        private volatile long expiresAtNanos;
        /** The next younger answer, linked by whoever answers next. */
        private volatile Key younger;

        Key(InetSocketAddress source, int identifier, byte[] authenticator) {
            this(source, identifier, authenticator, 0);
        }

        private Key(InetSocketAddress source, int identifier, byte[] authenticator, int offset) {
            byte[] address = source.getAddress().getAddress();
            // IPv4 in the low half, IPv6 over both: the high half tells them apart.
            this.addressHigh = address.length == 16 ? longAt(address, 0) : -1;
            this.addressLow = address.length == 16 ? longAt(address, 8) : intAt(address, 0) & 0xFFFFFFFFL;
            this.portAndIdentifier = source.getPort() << 8 | identifier;
            this.authenticatorHigh = longAt(authenticator, offset);
            this.authenticatorLow = longAt(authenticator, offset + 8);
            this.hash = (Long.hashCode(addressLow ^ addressHigh * 31) * 31 + portAndIdentifier) * 31
                    + Long.hashCode(authenticatorHigh ^ authenticatorLow * 31);
        }

        /** The key of a structurally valid request packet received from {@code source}. */
        static Key of(InetSocketAddress source, byte[] packet) {
            return new Key(source, packet[1] & 0xFF, packet, RadiusWire.AUTHENTICATOR_OFFSET);
        }

        private static long longAt(byte[] bytes, int offset) {
            return (long) intAt(bytes, offset) << 32 | intAt(bytes, offset + 4) & 0xFFFFFFFFL;
        }

        private static int intAt(byte[] bytes, int offset) {
            return (bytes[offset] & 0xFF) << 24 | (bytes[offset + 1] & 0xFF) << 16 | (bytes[offset + 2] & 0xFF) << 8
                    | bytes[offset + 3] & 0xFF;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key that && hash == that.hash && portAndIdentifier == that.portAndIdentifier
                    && addressLow == that.addressLow && addressHigh == that.addressHigh
                    && authenticatorHigh == that.authenticatorHigh && authenticatorLow == that.authenticatorLow;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        private boolean expired(long now) {
            return response != null && expiresAtNanos - now < 0;
        }

        /** The response for a retransmit: at once if known, else when the original is answered. */
        private CompletableFuture<byte[]> responseForRetransmit() {
            byte[] known = response;
            if (known != null) {
                return CompletableFuture.completedFuture(known);
            }
            synchronized (this) {
                if (response != null) {
                    return CompletableFuture.completedFuture(response);
                }
                if (joined == null) {
                    joined = new CompletableFuture<>();
                }
                return joined;
            }
        }

        /** Records the response; false if there already was one. */
        private boolean answer(byte[] answer) {
            CompletableFuture<byte[]> waiting;
            synchronized (this) {
                if (response != null) {
                    return false;
                }
                response = answer;
                waiting = joined;
                joined = null;
            }
            if (waiting != null) {
                waiting.complete(answer);
            }
            return true;
        }

        private void abandon() {
            CompletableFuture<byte[]> waiting;
            synchronized (this) {
                waiting = joined;
                joined = null;
            }
            if (waiting != null) {
                waiting.cancel(false);
            }
        }
    }

    /**
     * Beyond this many remembered requests the oldest answers are forgotten before their window ends; if all of them
     * are still being decided (that many MFA waits), new requests are decided without de-duplication.
     */
    static final int MAX_ENTRIES = 100_000;

    private final Map<Key, Key> entries = new ConcurrentHashMap<>();
    /**
     * The answer order, a queue with many producers (whoever answers) and one consumer (whoever sweeps) that
     * allocates nothing and never blocks: producers swap themselves in as {@link #newest} and then link their
     * predecessor to themselves; the sweeper follows {@link Key#younger} from {@link #swept}, the last entry it
     * took (at first a placeholder). An entry whose predecessor is not linked yet is swept next time.
     */
    private final AtomicReference<Key> newest;
    /** Only the holder of {@link #sweeping} reads or moves it. */
    private Key swept;
    private final ReentrantLock sweeping = new ReentrantLock();
    private final int maxEntries;
    private volatile long windowNanos;

    DuplicateCache(long windowNanos) {
        this(windowNanos, MAX_ENTRIES);
    }

    DuplicateCache(long windowNanos, int maxEntries) {
        this.windowNanos = windowNanos;
        this.maxEntries = maxEntries;
        this.swept = new Key(new InetSocketAddress(0), 0, new byte[RadiusWire.AUTHENTICATOR_LENGTH]);
        this.newest = new AtomicReference<>(swept);
    }

    void window(long nanos) {
        this.windowNanos = nanos;
    }

    /**
     * Registers a request. Returns null for a new one: the caller decides it and calls {@link #complete}.
     * For a retransmit, returns the (possibly still pending) response of the original.
     */
    CompletableFuture<byte[]> register(Key key) {
        long now = System.nanoTime();
        sweep(now);
        if (entries.size() >= maxEntries) {
            // Full of requests still being decided (that many MFA waits): no room to remember this one.
            Key pending = entries.get(key);
            return pending == null ? null : pending.responseForRetransmit();
        }
        Key existing = entries.putIfAbsent(key, key);
        if (existing == null) {
            return null;
        }
        if (existing.expired(now)) {
            // Same key after the window: a new request that happens to reuse identifier and authenticator.
            entries.computeIfPresent(key, (k, current) -> current == existing ? key : current);
            return null;
        }
        return existing.responseForRetransmit();
    }

    /** Records the response and starts the window; retransmits that joined the original get it now. */
    void complete(Key key, byte[] response) {
        Key entry = entries.get(key);
        if (entry == null) {
            return;
        }
        entry.expiresAtNanos = System.nanoTime() + windowNanos;
        if (entry.answer(response)) {
            newest.getAndSet(entry).younger = entry;
        }
    }

    /** Forgets a request that was not answered, so that its retransmit is decided afresh. */
    void forget(Key key) {
        Key entry = entries.remove(key);
        if (entry != null) {
            entry.abandon();
        }
    }

    /**
     * Forgets the answers whose window has ended, and while the cache is full the oldest answers too. Looks only at
     * the head of the answer order; a thread that finds another one at it leaves it to that one.
     */
    private void sweep(long now) {
        if (!sweeping.tryLock()) {
            return;
        }
        try {
            boolean full = entries.size() >= maxEntries;
            Key oldest;
            while ((oldest = swept.younger) != null && (full || oldest.expired(now))) {
                swept.younger = null;
                swept = oldest;
                Key gone = oldest;
                // Only if still this entry: a request that reused the key after the window has an entry of its own.
                entries.computeIfPresent(gone, (key, current) -> current == gone ? null : current);
                full = full && entries.size() >= maxEntries;
            }
        } finally {
            sweeping.unlock();
        }
    }

    int size() {
        return entries.size();
    }
}
