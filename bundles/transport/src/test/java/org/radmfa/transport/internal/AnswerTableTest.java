package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

/** The answer table takes memory as the traffic needs it, and answers as it did when it took it all at start. */
class AnswerTableTest {
    private static final long WINDOW = TimeUnit.SECONDS.toNanos(30);
    /** Anywhere, as nanoTime may be; close to the wrap, so that every comparison must be by difference. */
    private static final long START = Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(1);

    private static AnswerTable fullSize() {
        return new AnswerTable(DuplicateCache.MAX_ENTRIES, DuplicateCache.MAX_ENTRIES * 160);
    }

    private static DuplicateCache.Key key(int gateway, int n) {
        byte[] authenticator = new byte[16];
        for (int i = 0; i < 4; i++) {
            authenticator[i] = (byte) (n >> 8 * i);
        }
        authenticator[15] = (byte) gateway;
        return new DuplicateCache.Key(new InetSocketAddress("127.0.0." + (gateway + 1), 40000), n & 0xFF,
                authenticator);
    }

    /** A response that tells whose it is in every byte, so that a torn or mixed-up one cannot pass for it. */
    private static byte[] response(int gateway, int n, int length) {
        byte[] response = new byte[length];
        for (int i = 0; i < length; i++) {
            response[i] = (byte) (n * 31 + gateway * 17 + i);
        }
        return response;
    }

    @Test
    void anIdleTableHoldsNothingAndAFewGatewaysLittle() {
        AnswerTable table = fullSize();
        assertEquals(0, table.bytesAllocated(), "nothing before the first answer");
        assertTrue(table.bytesAtCapacity() > 22L << 20, "a full window takes what it did: " + table.bytesAtCapacity());
        // A few gateways: 10 answers a second over the 30 s window.
        for (int n = 0; n < 300; n++) {
            table.put(key(n % 3, n), response(n % 3, n, 150), START + n * 100_000_000L, WINDOW);
        }
        long now = START + 300 * 100_000_000L;
        for (int n = 0; n < 300; n++) {
            assertArrayEquals(response(n % 3, n, 150), table.get(key(n % 3, n), now), "answer " + n);
        }
        assertTrue(table.bytesAllocated() * 40 < table.bytesAtCapacity(),
                "a few gateways take under 2.5 % of a full window: " + table.bytesAllocated());
    }

    @Test
    void itGrowsUnderLoadToFullCapacityAndAnswersEveryRetransmitWithinTheWindow() {
        AnswerTable table = fullSize();
        long now = START;
        int n = 0;
        for (; n < 10_000; n++, now += 1_000) {
            table.put(key(0, n), response(0, n, 150), now, WINDOW);
        }
        long grown = table.bytesAllocated();
        assertTrue(grown * 4 < table.bytesAtCapacity(), "10,000 answers do not need the full table: " + grown);
        for (int m = 0; m < n; m++) {
            assertArrayEquals(response(0, m, 150), table.get(key(0, m), now), "answer " + m);
        }
        assertEquals(n, table.size(now));

        // Well past what the window can hold: every stripe at its full size, the oldest answers gone.
        for (; n < 3 * DuplicateCache.MAX_ENTRIES; n++, now += 1_000) {
            table.put(key(0, n), response(0, n, 150), now, WINDOW);
        }
        assertEquals(table.bytesAtCapacity(), table.bytesAllocated());
        for (int m = n - 10_000; m < n; m++) {
            assertArrayEquals(response(0, m, 150), table.get(key(0, m), now), "recent answer " + m);
        }
        assertNull(table.get(key(0, 0), now), "the oldest made room");
        assertTrue(table.size(now) <= table.capacity(), "bounded: " + table.size(now));
        assertTrue(table.size(now) > DuplicateCache.MAX_ENTRIES * 9 / 10, "nearly full: " + table.size(now));
    }

    @Test
    void answersLargerThanAPageOrTheSmallestRingAreKeptWhole() {
        AnswerTable table = fullSize();
        byte[] largest = response(0, 0, RadiusWire.MAX_LENGTH);
        table.put(key(0, 0), largest, START, WINDOW);
        assertArrayEquals(largest, table.get(key(0, 0), START));
        table.put(key(0, 1), new byte[RadiusWire.MAX_LENGTH + 1], START, WINDOW);
        assertNull(table.get(key(0, 1), START), "not a RADIUS packet: not remembered");

        // Several large answers per stripe: its ring grows while its responses straddle pages and the ring's end.
        for (int n = 2; n < 2_000; n++) {
            table.put(key(0, n), response(0, n, 1_000 + n * 37 % 3_000), START + n, WINDOW);
        }
        for (int n = 2; n < 2_000; n++) {
            assertArrayEquals(response(0, n, 1_000 + n * 37 % 3_000), table.get(key(0, n), START + 2_000),
                    "answer " + n);
        }
        assertArrayEquals(largest, table.get(key(0, 0), START + 2_000));
    }

    /**
     * A response that starts inside a page and runs on into the place that page has in the ring leaves the writer
     * there, in front of its own start: the next response would write over that start unchecked. While the ring is
     * below its full size it grows instead, wherever the response starts and however long it is.
     */
    @Test
    void aResponseThatRunsIntoItsOwnStartPageIsNotOverwrittenByTheNext() {
        for (int offset : new int[] {100, 512, 1_023}) {
            for (int length : new int[] {3_100, 3_600, 4_000, RadiusWire.MAX_LENGTH}) {
                // One stripe (two rings of at least 4096 octets cannot share 6 KiB): its ring starts at 4096 octets
                // and may grow to 6 KiB.
                AnswerTable table = new AnswerTable(AnswerTable.WAYS, 6 << 10);
                table.put(key(0, 0), response(0, 0, offset), START, 0);
                long later = START + 1_000;
                table.put(key(0, 1), response(0, 1, length), later, WINDOW);
                table.put(key(0, 2), response(0, 2, 200), later, WINDOW);
                String place = length + " octets from " + offset;
                assertArrayEquals(response(0, 1, length), table.get(key(0, 1), later), place);
                assertArrayEquals(response(0, 2, 200), table.get(key(0, 2), later), place);
            }
        }
    }

    /** One stripe of eight slots whose ring may grow to 1 MiB: it wraps over expired answers instead of growing. */
    @Test
    void aRingWhoseOldAnswersHaveExpiredIsWrittenOverNotGrown() {
        AnswerTable table = new AnswerTable(8, 1 << 20);
        long window = TimeUnit.SECONDS.toNanos(1);
        long every = TimeUnit.MILLISECONDS.toNanos(200);
        for (int n = 0; n < 1_000; n++) {
            long now = START + n * every;
            table.put(key(0, n), response(0, n, 1_000), now, window);
            for (int m = Math.max(0, n - 5); m <= n; m++) {
                assertArrayEquals(response(0, m, 1_000), table.get(key(0, m), now), "answer " + m + " at " + n);
            }
        }
        assertTrue(table.bytesAllocated() < 32 << 10, "1 MB written through a small ring: " + table.bytesAllocated());
        assertNull(table.get(key(0, 0), START + 1_000 * every), "expired long ago");
    }

    @Test
    void aStripeGivesItsMemoryBackAtItsNextAnswerAfterALongQuietSpell() {
        AnswerTable table = fullSize();
        for (int n = 0; n < 20_000; n++) {
            table.put(key(0, n), response(0, n, 150), START, WINDOW);
        }
        long busy = table.bytesAllocated();
        long later = START + WINDOW + AnswerTable.QUIET_NANOS;
        for (int n = 0; n < 2_000; n++) {
            table.put(key(1, n), response(1, n, 150), later, WINDOW);
        }
        assertTrue(table.bytesAllocated() * 10 < busy,
                "given back: " + table.bytesAllocated() + " bytes, from " + busy);
        for (int n = 0; n < 2_000; n++) {
            assertArrayEquals(response(1, n, 150), table.get(key(1, n), later), "answer " + n);
        }
        assertNull(table.get(key(0, 0), later));
    }

    @Test
    void aQuietStripeKeepsWhatIsStillInItsWindow() {
        AnswerTable table = new AnswerTable(8, 1 << 20);
        long window = 2 * AnswerTable.QUIET_NANOS;
        for (int n = 0; n < 8; n++) {
            table.put(key(0, n), response(0, n, 1_000), START, window);
        }
        long later = START + AnswerTable.QUIET_NANOS + 1;
        table.put(key(0, 8), response(0, 8, 1_000), later, window);
        assertArrayEquals(response(0, 7, 1_000), table.get(key(0, 7), later), "still in its window");
    }

    /**
     * Threads storing and looking up at once, while the stripes grow: no answer lost, none mixed with another. These
     * 10,000 answers fill no bucket of the full table (at most 5 of its 8 slots), so every one must stay; more, and a
     * full bucket would make room by forgetting its oldest, as it always has.
     */
    @Test
    void answersStoredAndLookedUpFromManyThreadsAreNeitherLostNorMixed() throws Exception {
        AnswerTable table = fullSize();
        int threads = 4;
        int perThread = 2_500;
        // How many answers each thread has stored: those are in the table for every thread to find.
        AtomicIntegerArray stored = new AtomicIntegerArray(threads);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int gateway = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int n = 0; n < perThread; n++) {
                        table.put(key(gateway, n), response(gateway, n, 20 + n % 300), START, WINDOW);
                        stored.set(gateway, n + 1);
                        assertArrayEquals(response(gateway, n, 20 + n % 300), table.get(key(gateway, n), START));
                        int other = (gateway + 1 + n % (threads - 1)) % threads;
                        int theirs = stored.get(other);
                        if (theirs > 0) {
                            int m = n * 7919 % theirs;
                            assertArrayEquals(response(other, m, 20 + m % 300), table.get(key(other, m), START),
                                    "gateway " + other + ", answer " + m);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int t = 0; t < threads; t++) {
            for (int n = 0; n < perThread; n++) {
                assertArrayEquals(response(t, n, 20 + n % 300), table.get(key(t, n), START), t + "/" + n);
            }
        }
        assertEquals(threads * perThread, table.size(START));
    }
}
