package org.radmfa.transport.internal;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Duplicate detection (RFC 5080 section 2.2.2). A retransmit has the same source address and port, Identifier and
 * Request Authenticator as its original. While the original is being decided, the retransmit joins it instead of
 * starting it again (one MFA push, not two); once decided, the cached response is sent again for the configured
 * window.
 *
 * <p>Requests being decided are kept in a map, with the future a retransmit joins (most of them only for the
 * microseconds a PAP decision takes, some for an MFA wait). Answers move to an {@link AnswerTable}, which holds them
 * for the window without an object per answer: at full load the window holds up to {@link #MAX_ENTRIES} answers,
 * and when they were objects every young collection copied them. The table takes memory as the traffic needs it, up
 * to that many; when it is full, the oldest answers of a bucket make room first, so that the newest requests still
 * get de-duplicated.
 */
final class DuplicateCache {

    static final class Key {
        final long addressHigh;
        final long addressLow;
        final long authenticatorHigh;
        final long authenticatorLow;
        final int portAndIdentifier;
        private final int hash;

        /** The response once answered; null while the request is being decided. */
        private volatile byte[] response;
        /** Retransmits waiting for the response; created only when one arrives early. Guarded by this. */
        private CompletableFuture<byte[]> joined;

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
            this.hash = hash(addressHigh, addressLow, portAndIdentifier, authenticatorHigh, authenticatorLow);
        }

        /** The hash of the key with these fields: the answer table recomputes it from its slots when it grows. */
        static int hash(long addressHigh, long addressLow, int portAndIdentifier, long authenticatorHigh,
                long authenticatorLow) {
            return (Long.hashCode(addressLow ^ addressHigh * 31) * 31 + portAndIdentifier) * 31
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
     * Answers remembered at most (the oldest make room), and requests being decided at most: beyond that many MFA
     * waits, new requests are decided without de-duplication.
     */
    static final int MAX_ENTRIES = 100_000;
    /** Room for the responses of the remembered answers: an Access-Accept with a few attributes takes 100-200. */
    private static final int RESPONSE_BYTES_PER_ANSWER = 160;

    private final Map<Key, Key> pending = new ConcurrentHashMap<>();
    private final AnswerTable answers;
    private final int maxPending;
    /** The time source in nanoseconds, {@link System#nanoTime} but in tests. */
    private final LongSupplier nanoTime;
    private volatile long windowNanos;

    DuplicateCache(long windowNanos) {
        this(windowNanos, MAX_ENTRIES);
    }

    DuplicateCache(long windowNanos, int maxEntries) {
        this(windowNanos, maxEntries, System::nanoTime);
    }

    DuplicateCache(long windowNanos, int maxEntries, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.windowNanos = windowNanos;
        this.maxPending = maxEntries;
        this.answers = new AnswerTable(maxEntries, maxEntries * RESPONSE_BYTES_PER_ANSWER);
    }

    void window(long nanos) {
        this.windowNanos = nanos;
    }

    /**
     * The response for a retransmit, if {@code key} is known: at once when answered, else when the original being
     * decided is answered. Null for a new request, which is not registered by looking it up.
     */
    CompletableFuture<byte[]> lookup(Key key) {
        byte[] answered = answers.get(key, nanoTime.getAsLong());
        if (answered != null) {
            return CompletableFuture.completedFuture(answered);
        }
        Key original = pending.get(key);
        return original == null ? null : original.responseForRetransmit();
    }

    /**
     * Registers a new request whose decision will take a while, so that its retransmits join it; false when the cache
     * is full of such requests (that many MFA waits) and this one is decided without de-duplication.
     */
    boolean pend(Key key) {
        return pending.size() < maxPending && pending.putIfAbsent(key, key) == null;
    }

    /**
     * Looks a request up and registers it if it is new (see {@link #lookup} and {@link #pend}). Returns null for a new
     * one: the caller decides it and calls {@link #complete}. For a retransmit, returns the (possibly still pending)
     * response of the original.
     */
    CompletableFuture<byte[]> register(Key key) {
        if (pending.size() >= maxPending) {
            return lookup(key);
        }
        Key original = pending.putIfAbsent(key, key);
        if (original != null) {
            return original.responseForRetransmit();
        }
        // Answers enter the table before they leave the map: registered now, the original cannot slip between.
        byte[] answered = answers.get(key, nanoTime.getAsLong());
        if (answered != null) {
            pending.remove(key, key);
            return CompletableFuture.completedFuture(answered);
        }
        return null;
    }

    /**
     * Records the response and starts the window; retransmits that joined the original get it now. A request that
     * was never registered (decided at once) is remembered all the same.
     */
    void complete(Key key, byte[] response) {
        // In the table before it leaves the map, so that a retransmit always finds one or the other.
        answers.put(key, response, nanoTime.getAsLong(), windowNanos);
        Key original = pending.remove(key);
        if (original != null) {
            original.answer(response);
        }
    }

    /** Forgets a request that was not answered, so that its retransmit is decided afresh. */
    void forget(Key key) {
        Key original = pending.remove(key);
        if (original != null) {
            original.abandon();
        }
    }

    /** Requests being decided plus answers remembered; walks the answer table, for tests and management. */
    int size() {
        return pending.size() + answers.size(nanoTime.getAsLong());
    }

    /** How many answers the table can hold, once grown. */
    int capacity() {
        return answers.capacity();
    }

    /** The bytes the answer table has allocated now, and once grown to its capacity. */
    long bytesAllocated() {
        return answers.bytesAllocated();
    }

    long bytesAtCapacity() {
        return answers.bytesAtCapacity();
    }
}
