package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class DuplicateCacheTest {
    private static final InetSocketAddress NAS = new InetSocketAddress("127.0.0.1", 40000);
    /** Where the fake clocks start: anywhere, as nanoTime may be; not 0, which the table reads as a free slot. */
    private static final long START = Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(1);

    private static DuplicateCache.Key key(int n) {
        byte[] authenticator = new byte[16];
        authenticator[0] = (byte) (n >> 8);
        authenticator[1] = (byte) n;
        return new DuplicateCache.Key(NAS, n & 0xFF, authenticator);
    }

    @Test
    void aRetransmitGetsTheOriginalsResponseWithinTheWindow() {
        DuplicateCache cache = new DuplicateCache(TimeUnit.SECONDS.toNanos(30));
        assertNull(cache.register(key(1)));
        CompletableFuture<byte[]> pending = cache.register(key(1));
        assertNotNull(pending);
        assertFalse(pending.isDone(), "joined while the original is being decided");
        cache.complete(key(1), new byte[] {2});
        assertArrayEquals(new byte[] {2}, pending.getNow(null));
        assertArrayEquals(new byte[] {2}, cache.register(key(1)).getNow(null));
    }

    @Test
    void anIdleCacheHoldsNoAnswerTableAndOneAnswerLittleOfIt() {
        DuplicateCache cache = new DuplicateCache(TimeUnit.SECONDS.toNanos(30));
        assertEquals(0, cache.bytesAllocated(), "idle: no answer table yet");
        assertNull(cache.register(key(1)));
        cache.complete(key(1), new byte[] {2});
        assertTrue(cache.bytesAllocated() > 0);
        assertTrue(cache.bytesAllocated() * 100 < cache.bytesAtCapacity(),
                cache.bytesAllocated() + " of " + cache.bytesAtCapacity() + " bytes");
        assertArrayEquals(new byte[] {2}, cache.register(key(1)).getNow(null));
    }

    /** The reading thread's way: look up, decide, and register only what takes a while. */
    @Test
    void aRequestDecidedAtOnceIsRememberedWithoutBeingRegistered() {
        DuplicateCache cache = new DuplicateCache(TimeUnit.SECONDS.toNanos(30));
        assertNull(cache.lookup(key(1)), "new");
        assertNull(cache.lookup(key(1)), "looking up registers nothing");
        cache.complete(key(1), new byte[] {2});
        assertArrayEquals(new byte[] {2}, cache.lookup(key(1)).getNow(null));

        assertNull(cache.lookup(key(2)));
        assertTrue(cache.pend(key(2)), "a decision that takes a while");
        CompletableFuture<byte[]> retransmit = cache.lookup(key(2));
        assertFalse(retransmit.isDone());
        cache.complete(key(2), new byte[] {3});
        assertArrayEquals(new byte[] {3}, retransmit.getNow(null));
        assertEquals(2, cache.size(), "two answers, nothing pending");
    }

    @Test
    void answersAreForgottenOnceTheirWindowHasEnded() {
        long window = TimeUnit.SECONDS.toNanos(2);
        AtomicLong now = new AtomicLong(START);
        DuplicateCache cache = new DuplicateCache(window, DuplicateCache.MAX_ENTRIES, now::get);
        for (int i = 0; i < 100; i++) {
            assertNull(cache.register(key(i)));
            cache.complete(key(i), new byte[] {2});
        }
        assertEquals(100, cache.size());
        now.addAndGet(window);
        assertEquals(100, cache.size(), "still remembered at the window's last nanosecond");
        assertArrayEquals(new byte[] {2}, cache.register(key(1)).getNow(null), "a retransmit within the window");
        now.incrementAndGet();
        assertNull(cache.register(key(1000)), "a new request");
        assertEquals(1, cache.size(), "the expired answers were swept by the next request");
        assertNull(cache.register(key(1)), "after the window, the same key is a new request");
    }

    @Test
    void pendingRequestsAreNotSweptAndForgottenOnesAreDecidedAfresh() {
        AtomicLong now = new AtomicLong(START);
        DuplicateCache cache = new DuplicateCache(TimeUnit.MILLISECONDS.toNanos(1), DuplicateCache.MAX_ENTRIES,
                now::get);
        assertNull(cache.register(key(1)));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
        assertNull(cache.register(key(2)));
        assertNotNull(cache.register(key(1)), "still being decided: a retransmit joins it");
        cache.forget(key(1));
        assertNull(cache.register(key(1)));
    }

    @Test
    void whenFullTheOldestAnswersMakeRoomForNewRequests() {
        DuplicateCache cache = new DuplicateCache(TimeUnit.SECONDS.toNanos(30), 10);
        assertEquals(16, cache.capacity(), "rounded up to whole buckets of " + AnswerTable.WAYS);
        for (int i = 0; i < 200; i++) {
            assertNull(cache.register(key(i)));
            cache.complete(key(i), new byte[] {(byte) i});
        }
        assertTrue(cache.size() <= cache.capacity(), "bounded: " + cache.size());
        assertArrayEquals(new byte[] {(byte) 199}, cache.register(key(199)).getNow(null), "the newest is remembered");
        assertNull(cache.register(key(0)), "the oldest was forgotten to make room");
    }

    /** Responses live in a ring of bytes: once it has wrapped past an answer, that answer is forgotten, whole. */
    @Test
    void answersWhoseResponsesTheRingOverwroteAreForgottenNotTorn() {
        DuplicateCache cache = new DuplicateCache(TimeUnit.SECONDS.toNanos(30), 10);
        byte[] big = new byte[RadiusWire.MAX_LENGTH - 100];
        java.util.Arrays.fill(big, (byte) 7);
        assertNull(cache.register(key(1)));
        cache.complete(key(1), big);
        assertArrayEquals(big, cache.register(key(1)).getNow(null));
        assertNull(cache.register(key(2)));
        cache.complete(key(2), new byte[200]);
        assertNull(cache.register(key(1)), "overwritten in the ring: decided afresh");
        assertArrayEquals(new byte[200], cache.register(key(2)).getNow(null));
    }

    @Test
    void whenFullOfPendingRequestsNewOnesAreDecidedWithoutDeDuplication() {
        DuplicateCache cache = new DuplicateCache(TimeUnit.SECONDS.toNanos(30), 3);
        for (int i = 0; i < 3; i++) {
            assertNull(cache.register(key(i)));
        }
        assertNull(cache.register(key(7)));
        assertNull(cache.register(key(7)), "not remembered: no room");
        assertNotNull(cache.register(key(0)), "the pending ones still join");
        assertEquals(3, cache.size());
    }

    @Test
    void theKeyIsTheAddressPortIdentifierAndAuthenticator() {
        byte[] packet = new byte[20];
        packet[1] = 7;
        for (int i = 4; i < 20; i++) {
            packet[i] = (byte) (i * 13);
        }
        byte[] authenticator = java.util.Arrays.copyOfRange(packet, 4, 20);
        DuplicateCache.Key key = DuplicateCache.Key.of(NAS, packet);
        assertEquals(new DuplicateCache.Key(NAS, 7, authenticator), key);
        assertEquals(new DuplicateCache.Key(NAS, 7, authenticator).hashCode(), key.hashCode());
        assertFalse(key.equals(new DuplicateCache.Key(NAS, 8, authenticator)), "identifier");
        assertFalse(key.equals(new DuplicateCache.Key(new InetSocketAddress("127.0.0.1", 40001), 7, authenticator)),
                "port");
        assertFalse(key.equals(new DuplicateCache.Key(new InetSocketAddress("127.0.0.2", 40000), 7, authenticator)),
                "address");
        // The same 32 low bits as 127.0.0.1, but an IPv6 address.
        InetSocketAddress compatible = new InetSocketAddress("::7f00:1", 40000);
        assertTrue(compatible.getAddress() instanceof java.net.Inet6Address);
        assertFalse(key.equals(new DuplicateCache.Key(compatible, 7, authenticator)), "IPv6 is not IPv4");
        byte[] other = authenticator.clone();
        other[15] ^= 1;
        assertFalse(key.equals(new DuplicateCache.Key(NAS, 7, other)), "last authenticator octet");
        other = authenticator.clone();
        other[0] ^= 1;
        assertFalse(key.equals(new DuplicateCache.Key(NAS, 7, other)), "first authenticator octet");
    }

    @Test
    void aRetransmitJoiningLateOrTwiceGetsTheSameAnswerAndAForgottenOneIsCancelled() {
        DuplicateCache cache = new DuplicateCache(TimeUnit.SECONDS.toNanos(30));
        assertNull(cache.register(key(1)));
        CompletableFuture<byte[]> first = cache.register(key(1));
        CompletableFuture<byte[]> second = cache.register(key(1));
        cache.complete(key(1), new byte[] {2});
        cache.complete(key(1), new byte[] {3});
        assertArrayEquals(new byte[] {2}, first.getNow(null));
        assertArrayEquals(new byte[] {2}, second.getNow(null), "a second completion does not change the answer");
        assertNull(cache.register(key(2)));
        CompletableFuture<byte[]> waiting = cache.register(key(2));
        cache.forget(key(2));
        assertTrue(waiting.isCancelled());
    }

    /** Answers from many threads at once: none is lost from the answer order, so all of them are swept. */
    @Test
    void answersFromManyThreadsAreAllSweptAndTheBoundHolds() throws Exception {
        int threads = 4;
        int perThread = 20_000;
        DuplicateCache bounded = new DuplicateCache(TimeUnit.SECONDS.toNanos(30), 1000);
        DuplicateCache expiring = new DuplicateCache(0);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                InetSocketAddress nas = new InetSocketAddress("127.0.0." + (t + 1), 40000);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        byte[] authenticator = new byte[16];
                        authenticator[0] = (byte) (i >> 16);
                        authenticator[1] = (byte) (i >> 8);
                        authenticator[2] = (byte) i;
                        for (DuplicateCache cache : List.of(bounded, expiring)) {
                            DuplicateCache.Key key = new DuplicateCache.Key(nas, i & 0xFF, authenticator);
                            assertNull(cache.register(key));
                            cache.complete(key, new byte[] {(byte) i});
                        }
                    }
                }));
            }
            for (java.util.concurrent.Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(bounded.size() <= bounded.capacity(), "bounded: " + bounded.size());
        assertNull(expiring.register(key(1)));
        assertEquals(1, expiring.size(), "every expired answer was swept by the next request");
    }
}
