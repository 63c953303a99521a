package org.radmfa.transport.internal;

/**
 * The answers kept for retransmits, without an object per answer: a set-associative table of request identities in
 * primitive arrays, and the responses in rings of bytes. Remembering an answer creates no object, so the garbage
 * collector has nothing of it to copy: with one object per answer, the 100,000 answers of the retransmit window
 * were what every young collection copied, and their pauses set the tail latency.
 *
 * <p>The table is split into {@link Stripe stripes}, each guarded by its own lock and owning its slots and its ring.
 * A stripe allocates nothing until its first answer and then grows as traffic needs it, doubling its slots when a
 * bucket would have to give up a live answer and its ring when it would overwrite a response still in its window,
 * up to its share of the capacity. An idle appliance so holds no answer table at all, one with a few gateways under
 * 300 KiB, instead of the 22 MiB of a full window; growing allocates a handful of arrays per stripe, once, while the
 * load ramps up. A stripe whose answers have all expired and that has had none for {@link #QUIET_NANOS} shrinks back to
 * its smallest size at its next answer.
 *
 * <p>A request's identity hashes to a stripe and to a bucket of {@link #WAYS} slots in it; a new answer takes a free
 * or expired slot of its bucket, else (the stripe at full size) the oldest. Its response is appended to the stripe's
 * ring; once the ring has wrapped past it, the answer is gone (a retransmit is then decided afresh, as after the
 * window). Responses are copied in and out under the stripe's lock, the same lock that guards its slots.
 */
final class AnswerTable {
    static final int WAYS = 8;
    /** How long a stripe with nothing left in its window waits for an answer before it gives its memory back. */
    static final long QUIET_NANOS = 10L * 60 * 1_000_000_000;
    private static final int STRIPES = 64;
    private static final int MAX_RESPONSE = RadiusWire.MAX_LENGTH;
    /** The ring's unit of bookkeeping: when the writer comes back to a page, its answers must have expired. */
    private static final int PAGE = 1024;
    /** The smallest ring holds one largest response. */
    private static final int MIN_RING = Math.max(MAX_RESPONSE, 2 * PAGE);

    private final Stripe[] stripes;
    private final int stripeShift;

    /**
     * @param answers how many answers to hold at most (rounded up to whole buckets)
     * @param ringBytes room for their responses at most; the oldest are overwritten
     */
    AnswerTable(int answers, int ringBytes) {
        int buckets = Integer.highestOneBit(Math.max(1, (answers + WAYS - 1) / WAYS - 1) << 1);
        // Each stripe's ring must hold one largest response: small tables have fewer stripes.
        int count = Integer.highestOneBit(Math.max(1, Math.min(Math.min(STRIPES, buckets), ringBytes / MIN_RING)));
        int ringPerStripe = Math.max(MIN_RING, (ringBytes / count + PAGE - 1) / PAGE * PAGE);
        this.stripes = new Stripe[count];
        for (int i = 0; i < count; i++) {
            stripes[i] = new Stripe(buckets / count, ringPerStripe, Integer.numberOfTrailingZeros(count));
        }
        this.stripeShift = Integer.numberOfTrailingZeros(count);
    }

    /** How many answers the table holds at most, once grown. */
    int capacity() {
        int slots = 0;
        for (Stripe stripe : stripes) {
            slots += stripe.maxBuckets * WAYS;
        }
        return slots;
    }

    /** The bytes of the arrays allocated now (their contents, not the JVM's object headers). */
    long bytesAllocated() {
        long bytes = 0;
        for (Stripe stripe : stripes) {
            bytes += stripe.bytesAllocated();
        }
        return bytes;
    }

    /** The bytes {@link #bytesAllocated} reaches once every stripe has grown to its full size. */
    long bytesAtCapacity() {
        long bytes = 0;
        for (Stripe stripe : stripes) {
            bytes += Stripe.bytesFor(stripe.maxBuckets, stripe.maxRing);
        }
        return bytes;
    }

    /** Remembers {@code response} for {@code key} for {@code windowNanos} from {@code now}. */
    void put(DuplicateCache.Key key, byte[] response, long now, long windowNanos) {
        if (response.length > MAX_RESPONSE) {
            return;
        }
        int hash = mix(key.hashCode());
        stripes[hash & (stripes.length - 1)].put(key, hash >>> stripeShift, response, now, windowNanos);
    }

    /** The response remembered for {@code key}, if its window has not ended and the ring still holds it. */
    byte[] get(DuplicateCache.Key key, long now) {
        int hash = mix(key.hashCode());
        return stripes[hash & (stripes.length - 1)].get(key, hash >>> stripeShift, now);
    }

    /** Forgets the answer for {@code key}, if there is one. */
    void remove(DuplicateCache.Key key) {
        int hash = mix(key.hashCode());
        stripes[hash & (stripes.length - 1)].remove(key, hash >>> stripeShift);
    }

    /** Answers still held at {@code now}; walks the whole table, for tests and management only. */
    int size(long now) {
        int count = 0;
        for (Stripe stripe : stripes) {
            count += stripe.size(now);
        }
        return count;
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return h;
    }

    /**
     * One lock's share of the table: its slots and its ring, allocated at the first answer and grown by doubling.
     * Positions in the ring are counted from the first byte ever written, so that doubling the ring keeps every held
     * response where a reader looks for it.
     */
    private static final class Stripe {
        final int maxBuckets;
        final int maxRing;
        /** The hash bits that chose the stripe, shifted off to choose the bucket. */
        private final int shift;

        // All guarded by this.
        private int bucketMask = -1;
        private long[] addressHigh;
        private long[] addressLow;
        private long[] authenticatorHigh;
        private long[] authenticatorLow;
        private int[] portAndIdentifier;
        /** When the slot's answer expires; 0 for a free slot. */
        private long[] expiresAt;
        /** Where the slot's response starts in the ring, counted from the first byte ever written. */
        private long[] responseAt;
        private short[] responseLength;
        private byte[] ring;
        /** The latest expiry of the answers whose responses start in each page of the ring; 0 for none. */
        private long[] pageExpiresAt;
        /** Bytes ever written to the ring. */
        private long written;
        /** When the last answer was put, and when the latest one expires: when the stripe may shrink. */
        private long lastPutAt;
        private long lastExpiresAt;

        Stripe(int maxBuckets, int maxRing, int shift) {
            this.maxBuckets = maxBuckets;
            this.maxRing = maxRing;
            this.shift = shift;
        }

        static long bytesFor(int buckets, int ringBytes) {
            return (long) buckets * WAYS * (6 * Long.BYTES + Integer.BYTES + Short.BYTES) + ringBytes
                    + (long) ringBytes / PAGE * Long.BYTES;
        }

        synchronized long bytesAllocated() {
            return ring == null ? 0 : bytesFor(bucketMask + 1, ring.length);
        }

        synchronized void put(DuplicateCache.Key key, int hash, byte[] response, long now, long windowNanos) {
            long expires = now + windowNanos;
            // Never 0: 0 marks a free slot.
            expires = expires == 0 ? 1 : expires;
            if (ring == null || quietAndGrown(now)) {
                // Nothing held worth keeping: start (again) at the smallest size.
                allocateSlots(1);
                ring = new byte[MIN_RING];
                pageExpiresAt = new long[ring.length / PAGE];
                written = 0;
                lastExpiresAt = expires;
            }
            int slot = slotFor(key, hash, now);
            long at = append(response, expires, now);
            addressHigh[slot] = key.addressHigh;
            addressLow[slot] = key.addressLow;
            authenticatorHigh[slot] = key.authenticatorHigh;
            authenticatorLow[slot] = key.authenticatorLow;
            portAndIdentifier[slot] = key.portAndIdentifier;
            responseAt[slot] = at;
            responseLength[slot] = (short) response.length;
            expiresAt[slot] = expires;
            lastPutAt = now;
            lastExpiresAt = expires - lastExpiresAt > 0 ? expires : lastExpiresAt;
        }

        /** Whether the stripe is above its smallest size, quiet for a long while, and holds nothing in its window. */
        private boolean quietAndGrown(long now) {
            return (bucketMask > 0 || ring.length > MIN_RING) && now - lastPutAt - QUIET_NANOS >= 0
                    && lastExpiresAt - now < 0;
        }

        synchronized byte[] get(DuplicateCache.Key key, int hash, long now) {
            if (ring == null) {
                return null;
            }
            int slot = find(key, hash & bucketMask);
            if (slot < 0 || !live(slot, now)) {
                return null;
            }
            byte[] response = new byte[responseLength[slot]];
            copyOut(responseAt[slot], response);
            return response;
        }

        synchronized void remove(DuplicateCache.Key key, int hash) {
            if (ring == null) {
                return;
            }
            int slot = find(key, hash & bucketMask);
            if (slot >= 0) {
                expiresAt[slot] = 0;
            }
        }

        synchronized int size(long now) {
            int count = 0;
            for (int slot = 0; ring != null && slot < expiresAt.length; slot++) {
                if (live(slot, now)) {
                    count++;
                }
            }
            return count;
        }

        private void allocateSlots(int buckets) {
            int slots = buckets * WAYS;
            bucketMask = buckets - 1;
            addressHigh = new long[slots];
            addressLow = new long[slots];
            authenticatorHigh = new long[slots];
            authenticatorLow = new long[slots];
            portAndIdentifier = new int[slots];
            expiresAt = new long[slots];
            responseAt = new long[slots];
            responseLength = new short[slots];
        }

        /** Whether the ring still holds the response written at {@code at}: nobody has written over its bytes. */
        private boolean held(long at) {
            return written - at <= ring.length;
        }

        private boolean live(int slot, long now) {
            return expiresAt[slot] != 0 && expiresAt[slot] - now >= 0 && held(responseAt[slot]);
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

        /**
         * The slot for a new answer: the key's own, else a free or expired one; when the bucket holds only live
         * answers, the slots double, and only at full size does the oldest answer of the bucket make room.
         */
        private int slotFor(DuplicateCache.Key key, int hash, long now) {
            int own = find(key, hash & bucketMask);
            if (own >= 0) {
                return own;
            }
            while (true) {
                int bucket = hash & bucketMask;
                int oldest = bucket * WAYS;
                for (int slot = bucket * WAYS; slot < (bucket + 1) * WAYS; slot++) {
                    if (!live(slot, now)) {
                        return slot;
                    }
                    if (expiresAt[slot] - expiresAt[oldest] < 0) {
                        oldest = slot;
                    }
                }
                if (bucketMask + 1 == maxBuckets) {
                    return oldest;
                }
                growSlots(now);
            }
        }

        /** Doubles the buckets, moving the live answers over (each bucket's to itself or its new twin). */
        private void growSlots(long now) {
            long[] oldAddressHigh = addressHigh;
            long[] oldAddressLow = addressLow;
            long[] oldAuthenticatorHigh = authenticatorHigh;
            long[] oldAuthenticatorLow = authenticatorLow;
            int[] oldPortAndIdentifier = portAndIdentifier;
            long[] oldExpiresAt = expiresAt;
            long[] oldResponseAt = responseAt;
            short[] oldResponseLength = responseLength;
            allocateSlots((bucketMask + 1) * 2);
            for (int old = 0; old < oldExpiresAt.length; old++) {
                if (oldExpiresAt[old] == 0 || oldExpiresAt[old] - now < 0 || !held(oldResponseAt[old])) {
                    continue;
                }
                int hash = mix(DuplicateCache.Key.hash(oldAddressHigh[old], oldAddressLow[old],
                        oldPortAndIdentifier[old], oldAuthenticatorHigh[old], oldAuthenticatorLow[old]));
                int bucket = hash >>> shift & bucketMask;
                int slot = bucket * WAYS;
                while (expiresAt[slot] != 0) {
                    slot++;
                }
                addressHigh[slot] = oldAddressHigh[old];
                addressLow[slot] = oldAddressLow[old];
                authenticatorHigh[slot] = oldAuthenticatorHigh[old];
                authenticatorLow[slot] = oldAuthenticatorLow[old];
                portAndIdentifier[slot] = oldPortAndIdentifier[old];
                expiresAt[slot] = oldExpiresAt[old];
                responseAt[slot] = oldResponseAt[old];
                responseLength[slot] = oldResponseLength[old];
            }
        }

        /**
         * Appends a response to the ring and returns where it starts. Before writing over a page again, checks that
         * the answers that started in it have expired; if not, the ring doubles, and only at full size is an answer
         * still in its window overwritten (and so forgotten).
         */
        private long append(byte[] response, long expires, long now) {
            long at = written;
            long end = at + response.length;
            while (ring.length < maxRing && overwritesLiveAnswers(at, end, now)) {
                growRing();
            }
            int pages = pageExpiresAt.length;
            for (long page = (at + PAGE - 1) / PAGE; page * PAGE < end; page++) {
                pageExpiresAt[(int) (page % pages)] = 0;
            }
            int start = (int) (at % ring.length);
            int first = Math.min(response.length, ring.length - start);
            System.arraycopy(response, 0, ring, start, first);
            System.arraycopy(response, first, ring, 0, response.length - first);
            written = end;
            int page = (int) (at / PAGE % pages);
            if (pageExpiresAt[page] == 0 || expires - pageExpiresAt[page] > 0) {
                pageExpiresAt[page] = expires;
            }
            return at;
        }

        /**
         * Whether writing [at, end) enters a page that still holds the start of a response in its window, or the
         * place in the ring of the page it starts in. The response itself then occupies that place too: the writer
         * would stay in front of the response's start, and the next one would be written over it unchecked.
         */
        private boolean overwritesLiveAnswers(long at, long end, long now) {
            if (end > at / PAGE * PAGE + ring.length) {
                return true;
            }
            int pages = pageExpiresAt.length;
            for (long page = (at + PAGE - 1) / PAGE; page * PAGE < end; page++) {
                long expires = pageExpiresAt[(int) (page % pages)];
                if (expires != 0 && expires - now >= 0) {
                    return true;
                }
            }
            return false;
        }

        /** Doubles the ring (up to its full size), keeping the bytes it still holds at their positions. */
        private void growRing() {
            byte[] oldRing = ring;
            long[] oldPages = pageExpiresAt;
            ring = new byte[Math.min(oldRing.length * 2, maxRing)];
            pageExpiresAt = new long[ring.length / PAGE];
            long from = Math.max(0, written - oldRing.length);
            for (long position = from; position < written; ) {
                int source = (int) (position % oldRing.length);
                int target = (int) (position % ring.length);
                int length = (int) Math.min(written - position,
                        Math.min(oldRing.length - source, ring.length - target));
                System.arraycopy(oldRing, source, ring, target, length);
                position += length;
            }
            long lastPage = (written - 1) / PAGE;
            for (long page = from / PAGE; written > 0 && page <= lastPage; page++) {
                // The page the writer is in may share its place with the oldest, whose answers it found expired.
                if (page == from / PAGE && page != lastPage && page % oldPages.length == lastPage % oldPages.length) {
                    continue;
                }
                pageExpiresAt[(int) (page % pageExpiresAt.length)] = oldPages[(int) (page % oldPages.length)];
            }
        }

        private void copyOut(long at, byte[] response) {
            int start = (int) (at % ring.length);
            int first = Math.min(response.length, ring.length - start);
            System.arraycopy(ring, start, response, 0, first);
            System.arraycopy(ring, 0, response, first, response.length - first);
        }
    }
}
