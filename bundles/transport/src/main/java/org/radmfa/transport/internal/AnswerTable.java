package org.radmfa.transport.internal;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The answers kept for retransmits, in memory allocated once: a set-associative table of request identities in
 * primitive arrays, and the responses in one ring of bytes. Remembering an answer creates no object, so the garbage
 * collector has nothing of it to copy: with one object per answer, the 100,000 answers of the retransmit window
 * were what every young collection copied, and their pauses set the tail latency.
 *
 * <p>A request's identity hashes to a bucket of {@link #WAYS} slots; a new answer takes a free or expired slot of its
 * bucket, else the oldest. Its response is appended to the ring; once the ring has wrapped past it, the answer is
 * gone (a retransmit is then decided afresh, as after the window). Buckets are guarded by striped locks; the ring is
 * written without a lock into space reserved by an atomic counter, and a reader checks after copying that nobody has
 * reserved the space it copied from since.
 */
final class AnswerTable {
    static final int WAYS = 8;
    private static final int STRIPES = 64;
    private static final int MAX_RESPONSE = RadiusWire.MAX_LENGTH;

    private final int bucketMask;
    private final long[] addressHigh;
    private final long[] addressLow;
    private final long[] authenticatorHigh;
    private final long[] authenticatorLow;
    private final int[] portAndIdentifier;
    /** When the slot's answer expires; 0 for a free slot. */
    private final long[] expiresAt;
    /** Where the slot's response starts in the ring, counted from the first byte ever written. */
    private final long[] responseAt;
    private final short[] responseLength;
    private final Object[] locks = new Object[STRIPES];
    private final byte[] ring;
    private final AtomicLong reserved = new AtomicLong();

    /**
     * @param answers how many answers to hold at most (rounded up to whole buckets)
     * @param ringBytes room for their responses; the oldest are overwritten
     */
    AnswerTable(int answers, int ringBytes) {
        int buckets = Integer.highestOneBit(Math.max(1, (answers + WAYS - 1) / WAYS - 1) << 1);
        this.bucketMask = buckets - 1;
        int slots = buckets * WAYS;
        addressHigh = new long[slots];
        addressLow = new long[slots];
        authenticatorHigh = new long[slots];
        authenticatorLow = new long[slots];
        portAndIdentifier = new int[slots];
        expiresAt = new long[slots];
        responseAt = new long[slots];
        responseLength = new short[slots];
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
        ring = new byte[Math.max(ringBytes, MAX_RESPONSE)];
    }

    int capacity() {
        return addressHigh.length;
    }

    /** Remembers {@code response} for {@code key} for {@code windowNanos} from {@code now}. */
    void put(DuplicateCache.Key key, byte[] response, long now, long windowNanos) {
        if (response.length > MAX_RESPONSE) {
            return;
        }
        long at = reserved.getAndAdd(response.length);
        int start = (int) (at % ring.length);
        int first = Math.min(response.length, ring.length - start);
        System.arraycopy(response, 0, ring, start, first);
        System.arraycopy(response, first, ring, 0, response.length - first);
        int bucket = bucket(key);
        synchronized (locks[bucket & (STRIPES - 1)]) {
            int slot = slotFor(key, bucket, now);
            addressHigh[slot] = key.addressHigh;
            addressLow[slot] = key.addressLow;
            authenticatorHigh[slot] = key.authenticatorHigh;
            authenticatorLow[slot] = key.authenticatorLow;
            portAndIdentifier[slot] = key.portAndIdentifier;
            responseAt[slot] = at;
            responseLength[slot] = (short) response.length;
            long expires = now + windowNanos;
            // Never 0: 0 marks a free slot.
            expiresAt[slot] = expires == 0 ? 1 : expires;
        }
    }

    /** The response remembered for {@code key}, if its window has not ended and the ring still holds it. */
    byte[] get(DuplicateCache.Key key, long now) {
        int bucket = bucket(key);
        long at;
        int length;
        synchronized (locks[bucket & (STRIPES - 1)]) {
            int slot = find(key, bucket);
            if (slot < 0 || expiresAt[slot] - now < 0) {
                return null;
            }
            at = responseAt[slot];
            length = responseLength[slot];
        }
        if (!held(at)) {
            return null;
        }
        byte[] response = new byte[length];
        int start = (int) (at % ring.length);
        int first = Math.min(length, ring.length - start);
        System.arraycopy(ring, start, response, 0, first);
        System.arraycopy(ring, 0, response, first, length - first);
        // The copy must not be torn by a writer that reserved this space meanwhile: check after copying.
        VarHandle.acquireFence();
        return held(at) ? response : null;
    }

    /** Forgets the answer for {@code key}, if there is one. */
    void remove(DuplicateCache.Key key) {
        int bucket = bucket(key);
        synchronized (locks[bucket & (STRIPES - 1)]) {
            int slot = find(key, bucket);
            if (slot >= 0) {
                expiresAt[slot] = 0;
            }
        }
    }

    /** Answers still held at {@code now}; walks the whole table, for tests and management only. */
    int size(long now) {
        int count = 0;
        for (int bucket = 0; bucket <= bucketMask; bucket++) {
            synchronized (locks[bucket & (STRIPES - 1)]) {
                for (int slot = bucket * WAYS; slot < (bucket + 1) * WAYS; slot++) {
                    if (live(slot, now)) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    /** Whether the ring still holds the response written at {@code at}: nobody has reserved its bytes again. */
    private boolean held(long at) {
        return reserved.get() - at <= ring.length;
    }

    private boolean live(int slot, long now) {
        return expiresAt[slot] != 0 && expiresAt[slot] - now >= 0 && held(responseAt[slot]);
    }

    private int bucket(DuplicateCache.Key key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return h & bucketMask;
    }

    private int find(DuplicateCache.Key key, int bucket) {
        for (int slot = bucket * WAYS; slot < (bucket + 1) * WAYS; slot++) {
            if (expiresAt[slot] != 0 && portAndIdentifier[slot] == key.portAndIdentifier
                    && addressLow[slot] == key.addressLow && addressHigh[slot] == key.addressHigh
                    && authenticatorHigh[slot] == key.authenticatorHigh
                    && authenticatorLow[slot] == key.authenticatorLow) {
                return slot;
            }
        }
        return -1;
    }

    /** The slot for a new answer: the key's own, else a free or expired one, else the oldest of the bucket. */
    private int slotFor(DuplicateCache.Key key, int bucket, long now) {
        int own = find(key, bucket);
        if (own >= 0) {
            return own;
        }
        int oldest = bucket * WAYS;
        for (int slot = bucket * WAYS; slot < (bucket + 1) * WAYS; slot++) {
            if (expiresAt[slot] == 0 || expiresAt[slot] - now < 0 || !held(responseAt[slot])) {
                return slot;
            }
            if (expiresAt[slot] - expiresAt[oldest] < 0) {
                oldest = slot;
            }
        }
        return oldest;
    }
}
