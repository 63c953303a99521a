package org.radmfa.management.command;

import java.util.Map;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.ClientStatistics;
import org.radmfa.api.RadiusStatistics;

/**
 * Per-client counters: answers, rejects, drops, and the two usual troubles told apart: a bad shared secret
 * (authenticators that do not verify: the client gets no answer) and bad passwords (Access-Reject).
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

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        for (String column : new String[] {"Client", "Secret", "Last good packet", "Requests", "Accepts",
            "Rejects", "Challenges", "Retransmits", "Bad secret", "Bad password", "Dropped"}) {
            table.column(column);
        }
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
            if (verbose) {
                row.addContent(describe(client.rejects()), describe(client.drops()));
            }
        }
        table.print(System.out, !noFormat);
        return null;
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
