package org.radmfa.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock a test moves by hand: a day's rotation or an hour's grace without waiting for it. */
public final class ManualClock extends Clock {
    private volatile Instant now;

    /** @param instant where the clock starts, e.g. {@code 2026-12-05T09:00:00Z} */
    public ManualClock(String instant) {
        this.now = Instant.parse(instant);
    }

    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
