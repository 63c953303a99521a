package org.radmfa.webconsole.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;

/**
 * Counts every decision as the decision listener is told of it, on the deciding thread and without a lock: how many,
 * rejects by reason, latencies. Counters only grow; the charts sample them and take differences.
 */
final class DecisionCounts {

    /** The counters at one moment. */
    record Snapshot(long decisions, Map<String, Long> rejects, long[] latency) {
    }

    private final LongAdder decisions = new LongAdder();
    private final Map<String, LongAdder> rejects = new ConcurrentHashMap<>();
    private final LatencyBuckets latency = new LatencyBuckets();

    void count(DecisionRecord record) {
        decisions.increment();
        latency.record(record.millis());
        Decision decision = record.decision();
        if (decision.outcome() == Decision.Outcome.REJECT) {
            // A handful of reason codes: the map stays small.
            rejects.computeIfAbsent(decision.reason().name(), reason -> new LongAdder()).increment();
        }
    }

    Snapshot snapshot() {
        Map<String, Long> byReason = new TreeMap<>();
        rejects.forEach((reason, count) -> byReason.put(reason, count.sum()));
        return new Snapshot(decisions.sum(), byReason, latency.snapshot());
    }
}
