package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaStatus;
import org.radmfa.api.ReasonCode;

/** The charts' time series, sampled with a clock the test moves: no sleeping, no real time. */
class ChartSeriesTest {

    private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");

    private final DecisionCounts counts = new DecisionCounts();

    @Test
    void oneValuePerIntervalBetweenTwoSamples() {
        ChartSeries series = new ChartSeries(10, 3600);
        series.sample(T0, counts, mfa(0, Map.of()));
        for (int i = 0; i < 50; i++) {
            counts.count(accept(3));
        }
        counts.count(reject(ReasonCode.AUTHENTICATION_FAILED, 1));
        counts.count(reject(ReasonCode.AUTHENTICATION_FAILED, 1));
        counts.count(reject(ReasonCode.MFA_DENIED, 4_000));
        series.sample(T0.plusSeconds(10), counts, mfa(2, Map.of(MfaOutcome.Kind.APPROVED, 5L,
                MfaOutcome.Kind.DENIED, 1L)));

        Map<String, Object> json = series.json();
        assertEquals(List.of(T0.plusSeconds(10).getEpochSecond()), json.get("time"));
        assertEquals(List.of(5.3), json.get("decisionsPerSecond"), "53 decisions in 10 s");
        assertEquals(Map.of("AUTHENTICATION_FAILED", List.of(2L), "MFA_DENIED", List.of(1L)), json.get("rejects"));
        assertEquals(Map.of("APPROVED", List.of(5L), "DENIED", List.of(1L)), json.get("mfaOutcomes"));
        assertEquals(List.of(2), json.get("pendingMfa"));
        Map<?, ?> latency = (Map<?, ?>) json.get("latencyMillis");
        assertEquals(List.of(5L), latency.get("p50"), "3 ms falls in the bucket up to 5 ms");
        assertEquals(List.of(5000L), latency.get("p99"), "the 4 s MFA reject is the slowest percent");
    }

    @Test
    void quietIntervalsHaveZeroRatesAndNoPercentiles() {
        ChartSeries series = new ChartSeries(10, 3600);
        series.sample(T0, counts, null);
        counts.count(reject(ReasonCode.AUTHENTICATION_FAILED, 1));
        series.sample(T0.plusSeconds(10), counts, null);
        series.sample(T0.plusSeconds(20), counts, null);
        Map<String, Object> json = series.json();
        assertEquals(List.of(0.1, 0.0), json.get("decisionsPerSecond"));
        assertEquals(Map.of("AUTHENTICATION_FAILED", List.of(1L, 0L)), json.get("rejects"));
        assertEquals(Arrays.asList(null, null), json.get("pendingMfa"), "no MFA activity service: no figure");
        assertNull(((List<?>) ((Map<?, ?>) json.get("latencyMillis")).get("p50")).get(1));
    }

    @Test
    void theRingKeepsOnlyTheWindow() {
        ChartSeries series = new ChartSeries(10, 3600);
        for (int i = 0; i < 1000; i++) {
            series.sample(T0.plusSeconds(10L * i), counts, null);
        }
        assertEquals(361, series.size());
        List<?> times = (List<?>) series.json().get("time");
        assertEquals(360, times.size());
        assertEquals(T0.plusSeconds(10L * 999).getEpochSecond(), times.get(359));
        assertEquals(T0.plusSeconds(10L * 640).getEpochSecond(), times.get(0));
    }

    @Test
    void aCounterThatWentDownWasRestarted() {
        ChartSeries series = new ChartSeries(5, 60);
        series.sample(T0, counts, mfa(0, Map.of(MfaOutcome.Kind.APPROVED, 40L)));
        series.sample(T0.plusSeconds(5), counts, mfa(0, Map.of(MfaOutcome.Kind.APPROVED, 3L)));
        assertEquals(Map.of("APPROVED", List.of(3L)), series.json().get("mfaOutcomes"));
    }

    @Test
    void oneSampleIsNoIntervalYet() {
        ChartSeries series = new ChartSeries(10, 3600);
        assertEquals(List.of(), series.json().get("time"));
        series.sample(T0, counts, null);
        assertEquals(List.of(), series.json().get("time"));
    }

    @Test
    void aWindowShorterThanTheIntervalIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ChartSeries(10, 5));
        assertThrows(IllegalArgumentException.class, () -> new ChartSeries(0, 3600));
    }

    @Test
    void percentilesAreBucketBounds() {
        long[] none = new long[LatencyBuckets.BOUNDS.length + 1];
        long[] some = none.clone();
        some[LatencyBuckets.bucketOf(0)] = 98;
        some[LatencyBuckets.bucketOf(120_000)] = 2;
        assertEquals(1L, LatencyBuckets.percentile(none, some, 0.5));
        assertEquals(1L, LatencyBuckets.percentile(none, some, 0.98));
        assertEquals(60_000L, LatencyBuckets.percentile(none, some, 0.99), "the open bucket reports its lower bound");
        assertNull(LatencyBuckets.percentile(some, some, 0.5));
    }

    private static MfaStatus mfa(int pending, Map<MfaOutcome.Kind, Long> outcomes) {
        return new MfaStatus("otp", pending, outcomes, null, null, null);
    }

    private static DecisionRecord accept(long millis) {
        Decision accept = new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "ok", "p", List.of(), List.of());
        return new DecisionRecord("1", T0, "gw", "alice", accept, millis, "c");
    }

    private static DecisionRecord reject(ReasonCode reason, long millis) {
        return new DecisionRecord("2", T0, "gw", "alice", Decision.reject(reason, "no", List.of()), millis, "c");
    }
}
