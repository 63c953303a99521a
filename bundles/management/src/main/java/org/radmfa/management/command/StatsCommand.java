package org.radmfa.management.command;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.ClientStatistics;
import org.radmfa.api.DecisionLog;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.RadiusStatistics;

/**
 * Per-client counters: answers, rejects, drops, and the two usual troubles told apart: a bad shared secret
 * (authenticators that do not verify: the client gets no answer) and bad passwords (Access-Reject); and decision
 * time percentiles over the decisions the decision log keeps.
 */
@Command(scope = "radmfa", name = "stats", description = "Shows per-client RADIUS counters")
@Service
public class StatsCommand implements Action {

    @Reference
    RadiusStatistics statistics;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Option(name = "-v", aliases = "--verbose", description = "Also list rejects and drops by reason")
    boolean verbose;

    @Reference(optional = true)
    DecisionLog decisionLog;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        for (String column : new String[] {"Client", "Secret", "Last good packet", "Requests", "Accepts",
            "Rejects", "Challenges", "Retransmits", "Bad secret", "Bad password", "Dropped", "p50 ms", "p95 ms",
            "p99 ms", "max ms"}) {
            table.column(column);
        }
        Map<String, long[]> latencies = latencies();
        if (verbose) {
            table.column("Rejects by reason");
            table.column("Drops by reason");
        }
        for (ClientStatistics client : statistics.clients()) {
            var row = table.addRow();
            row.addContent(client.client(), orDash(client.secretFingerprint()), orDash(client.lastGoodPacket()),
                    client.requests(), count(client.answers(), "ACCEPT"), count(client.answers(), "REJECT"),
                    count(client.answers(), "CHALLENGE"), client.duplicates(), client.badSecret(),
                    client.badPassword(), client.drops().values().stream().mapToLong(Long::longValue).sum());
            long[] millis = latencies.get(client.client());
            row.addContent(percentile(millis, 50), percentile(millis, 95), percentile(millis, 99),
                    percentile(millis, 100));
            if (verbose) {
                row.addContent(describe(client.rejects()), describe(client.drops()));
            }
        }
        table.print(System.out, !noFormat);
        return null;
    }

    /**
     * Decision times per client over the decisions the decision log keeps (the latest, up to its size), sorted. A
     * decision's time runs from the request to the answer, a second factor's wait included.
     */
    private Map<String, long[]> latencies() {
        DecisionLog log = decisionLog;
        Map<String, long[]> result = new HashMap<>();
        if (log == null) {
            return result;
        }
        Map<String, List<Long>> byClient = new HashMap<>();
        for (DecisionRecord record : log.recent(Integer.MAX_VALUE)) {
            byClient.computeIfAbsent(record.client(), c -> new ArrayList<>()).add(record.millis());
        }
        byClient.forEach((client, millis) -> result.put(client, millis.stream().mapToLong(Long::longValue).sorted()
                .toArray()));
        return result;
    }

    /** Nearest-rank percentile, "-" without data. */
    static Object percentile(long[] sorted, int percent) {
        if (sorted == null || sorted.length == 0) {
            return "-";
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static long count(Map<String, Long> counts, String key) {
        return counts.getOrDefault(key, 0L);
    }

    private static Object orDash(Object value) {
        return value == null ? "-" : value;
    }

    private static String describe(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }
}
