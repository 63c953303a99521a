package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class DecisionRateTest {

    private final AtomicLong clock = new AtomicLong(100_000);
    private final DecisionRate rate = new DecisionRate(clock::get);

    @Test
    void averagesTheCompleteSecondsBeforeTheCurrentOne() {
        countAt(100_000, 30);
        countAt(101_500, 10);
        countAt(102_200, 1000); // the current second does not count yet
        assertEquals(20.0, rate.perSecond(2));
        assertEquals(4.0, rate.perSecond(10));
    }

    @Test
    void aBucketIsResetWhenItsSecondComesRoundAgain() {
        countAt(100_000, 50);
        countAt(164_000, 5); // 64 s later: the same bucket
        clock.set(165_000);
        assertEquals(5.0, rate.perSecond(1));
        assertEquals(5.0 / 63, rate.perSecond(63), 1e-9);
    }

    @Test
    void refusesAWindowItCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> rate.perSecond(0));
        assertThrows(IllegalArgumentException.class, () -> rate.perSecond(64));
    }

    private void countAt(long millis, int times) {
        clock.set(millis);
        for (int i = 0; i < times; i++) {
            rate.count();
        }
    }
}
