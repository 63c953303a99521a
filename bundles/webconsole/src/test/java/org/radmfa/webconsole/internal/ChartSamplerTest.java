package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.MfaStatus;
import org.radmfa.api.ReasonCode;

/** The sampler with a clock the test moves; the schedule itself is not started (WebConsoleIT runs it for real). */
class ChartSamplerTest {

    private Instant now = Instant.parse("2026-12-05T09:00:00Z");
    private MfaStatus mfa;

    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void eachSampleTakesTheClocksTimeTheCountsAndTheMfaStatus() {
        ChartSampler sampler = new ChartSampler(clock, () -> mfa);
        sampler.sample();
        sampler.count(new DecisionRecord("1", now, "gw", "u", Decision.reject(ReasonCode.MFA_DENIED, "no",
                List.of()), 7, "c"));
        mfa = new MfaStatus("entra", 3, Map.of(), null, null, null);
        now = now.plusSeconds(10);
        sampler.sample();
        Map<String, Object> json = sampler.series().json();
        assertEquals(List.of(now.getEpochSecond()), json.get("time"));
        assertEquals(List.of(0.1), json.get("decisionsPerSecond"));
        assertEquals(Map.of("MFA_DENIED", List.of(1L)), json.get("rejects"));
        assertEquals(List.of(3), json.get("pendingMfa"));
    }

    @Test
    void aFailingStatusIsAGapNotTheEndOfTheSchedule() {
        ChartSampler sampler = new ChartSampler(clock, () -> {
            throw new IllegalStateException("pipeline going away");
        });
        sampler.sample();
        assertEquals(0, sampler.series().size());
    }

    @Test
    void startingWithAnotherIntervalStartsANewSeriesAndStopEndsTheThread() {
        ChartSampler sampler = new ChartSampler(clock, () -> null);
        sampler.start(600);
        ChartSeries first = sampler.series();
        sampler.start(600);
        assertEquals(first, sampler.series(), "same interval: same series");
        sampler.start(300);
        assertEquals(300, sampler.series().intervalSeconds());
        sampler.stop();
        sampler.stop();
    }
}
