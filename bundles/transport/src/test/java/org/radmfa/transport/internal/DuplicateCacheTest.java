package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class DuplicateCacheTest {
    private static final InetSocketAddress NAS = new InetSocketAddress("127.0.0.1", 40000);

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
    void answersAreForgottenOnceTheirWindowHasEnded() throws InterruptedException {
        DuplicateCache cache = new DuplicateCache(TimeUnit.MILLISECONDS.toNanos(20));
        for (int i = 0; i < 100; i++) {
            assertNull(cache.register(key(i)));
            cache.complete(key(i), new byte[] {2});
        }
        assertEquals(100, cache.size());
        Thread.sleep(50);
        assertNull(cache.register(key(1000)), "a new request");
        assertEquals(1, cache.size(), "the expired answers were swept by the next request");
        assertNull(cache.register(key(1)), "after the window, the same key is a new request");
    }

    @Test
    void pendingRequestsAreNotSweptAndForgottenOnesAreDecidedAfresh() throws InterruptedException {
        DuplicateCache cache = new DuplicateCache(TimeUnit.MILLISECONDS.toNanos(1));
        assertNull(cache.register(key(1)));
        Thread.sleep(5);
        assertNull(cache.register(key(2)));
        assertNotNull(cache.register(key(1)), "still being decided: a retransmit joins it");
        cache.forget(key(1));
        assertNull(cache.register(key(1)));
    }

    @Test
    void whenFullTheOldestAnswersMakeRoomForNewRequests() {
        DuplicateCache cache = new DuplicateCache(TimeUnit.SECONDS.toNanos(30), 10);
        for (int i = 0; i < 25; i++) {
            assertNull(cache.register(key(i)));
            cache.complete(key(i), new byte[] {(byte) i});
        }
        assertTrue(cache.size() <= 10, "bounded: " + cache.size());
        assertArrayEquals(new byte[] {24}, cache.register(key(24)).getNow(null), "the newest is remembered");
        assertNull(cache.register(key(0)), "the oldest was forgotten to make room");
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
}
