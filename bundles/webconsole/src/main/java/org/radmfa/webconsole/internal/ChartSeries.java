package org.radmfa.webconsole.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.radmfa.api.MfaStatus;

/**
 * The charts' data: a bounded ring of samples of the decision counters and the MFA status, taken once per interval
 * (by a scheduler in the component; by the test with its own clock), turned into one value per interval for
 * series.json. Memory is bounded by the capacity, whatever the traffic: one sample holds a few dozen numbers.
 */
final class ChartSeries {

    /** Counters at one moment (cumulative), and the pending MFA logins then (null without an MFA activity). */
    record Sample(Instant time, DecisionCounts.Snapshot decisions, Map<String, Long> mfaOutcomes, Integer pendingMfa) {
    }

    private final int intervalSeconds;
    private final int capacity;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /**
     * @param intervalSeconds how often {@link #add} is called
     * @param windowSeconds how far back the charts go: the ring keeps one more sample than intervals in the window
     */
    ChartSeries(int intervalSeconds, int windowSeconds) {
        if (intervalSeconds < 1 || windowSeconds < intervalSeconds) {
            throw new IllegalArgumentException("interval " + intervalSeconds + " s, window " + windowSeconds + " s");
        }
        this.intervalSeconds = intervalSeconds;
        this.capacity = windowSeconds / intervalSeconds + 1;
    }

    int intervalSeconds() {
        return intervalSeconds;
    }

    /** Takes a sample now. */
    void sample(Instant now, DecisionCounts counts, MfaStatus mfa) {
        Map<String, Long> outcomes = new TreeMap<>();
        if (mfa != null) {
            mfa.outcomes().forEach((kind, count) -> outcomes.put(kind.name(), count));
        }
        add(new Sample(now, counts.snapshot(), outcomes, mfa == null ? null : mfa.pending()));
    }

    synchronized void add(Sample sample) {
        samples.addLast(sample);
        while (samples.size() > capacity) {
            samples.removeFirst();
        }
    }

    synchronized int size() {
        return samples.size();
    }

    /**
     * One value per interval between two consecutive samples, each at the interval's end time (epoch seconds):
     * decisions per second, rejects by reason and MFA outcomes (counts in the interval), latency percentiles of the
     * interval's decisions (null for an interval without any), pending MFA logins at its end.
     */
    Map<String, Object> json() {
        List<Sample> ring;
        synchronized (this) {
            ring = new ArrayList<>(samples);
        }
        List<Long> times = new ArrayList<>();
        List<Double> perSecond = new ArrayList<>();
        List<Integer> pending = new ArrayList<>();
        Map<String, List<Long>> percentiles = new LinkedHashMap<>();
        percentiles.put("p50", new ArrayList<>());
        percentiles.put("p90", new ArrayList<>());
        percentiles.put("p99", new ArrayList<>());
        TreeSet<String> reasons = new TreeSet<>();
        TreeSet<String> kinds = new TreeSet<>();
        ring.forEach(s -> {
            reasons.addAll(s.decisions().rejects().keySet());
            kinds.addAll(s.mfaOutcomes().keySet());
        });
        Map<String, List<Long>> rejects = series(reasons);
        Map<String, List<Long>> mfa = series(kinds);
        for (int i = 1; i < ring.size(); i++) {
            Sample previous = ring.get(i - 1);
            Sample current = ring.get(i);
            times.add(current.time().getEpochSecond());
            double seconds = Math.max(1, current.time().toEpochMilli() - previous.time().toEpochMilli()) / 1000.0;
            long decided = growth(previous.decisions().decisions(), current.decisions().decisions());
            perSecond.add(Math.round(decided / seconds * 100) / 100.0);
            rejects.forEach((reason, values) -> values.add(growth(previous.decisions().rejects().get(reason),
                    current.decisions().rejects().get(reason))));
            mfa.forEach((kind, values) -> values.add(growth(previous.mfaOutcomes().get(kind),
                    current.mfaOutcomes().get(kind))));
            long[] before = previous.decisions().latency();
            long[] after = current.decisions().latency();
            percentiles.get("p50").add(LatencyBuckets.percentile(before, after, 0.50));
            percentiles.get("p90").add(LatencyBuckets.percentile(before, after, 0.90));
            percentiles.get("p99").add(LatencyBuckets.percentile(before, after, 0.99));
            pending.add(current.pendingMfa());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("intervalSeconds", intervalSeconds);
        json.put("time", times);
        json.put("decisionsPerSecond", perSecond);
        json.put("rejects", rejects);
        json.put("mfaOutcomes", mfa);
        json.put("latencyMillis", percentiles);
        json.put("pendingMfa", pending);
        return json;
    }

    private static Map<String, List<Long>> series(TreeSet<String> names) {
        Map<String, List<Long>> series = new LinkedHashMap<>();
        names.forEach(name -> series.put(name, new ArrayList<>()));
        return series;
    }

    /** How much a counter grew; a counter that went down was restarted (its service updated) and counts from 0. */
    private static long growth(Long before, Long after) {
        long from = before == null ? 0 : before;
        long to = after == null ? 0 : after;
        return to >= from ? to - from : to;
    }
}
