package org.radmfa.management.command;

import java.time.Clock;
import java.time.Instant;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.audit.AuditQuery;
import org.radmfa.api.audit.AuditSearch;
import org.radmfa.api.audit.AuditSearchResult;
import org.radmfa.api.audit.AuditedDecision;

/**
 * Searches the audit trail on disk (the audit file and its rotated files), further back than {@code radmfa:decisions}
 * reaches: by user, client, correlation id, outcome or reason and time range, newest first.
 */
@Command(scope = "radmfa", name = "audit-search", description = "Searches the audit files for decisions, newest"
        + " first: by user, client, correlation id, outcome or reason, time range")
@Service
public class AuditSearchCommand implements Action {

    @Reference(optional = true)
    AuditSearch search;

    @Option(name = "-u", aliases = "--user", description = "Part of the User-Name (case ignored)")
    String user;

    @Option(name = "-e", aliases = "--exact", description = "--user is the whole User-Name")
    boolean exact;

    @Option(name = "-c", aliases = "--client", description = "Part of the RADIUS client's name, or the NAS's address"
            + " or identifier, whole")
    String client;

    @Option(name = "-i", aliases = "--id", description = "The correlation id, or its start (the NAS's Class"
            + " attribute carries radmfa:<id>)")
    String correlationId;

    @Option(name = "-r", aliases = "--reason", description = "An outcome (accept, reject, challenge), a reason code"
            + " (AUTHENTICATION_FAILED) or an NPS reason code number (16)")
    String reason;

    @Option(name = "-f", aliases = "--from", description = "Decided at or after: 2026-12-05T09:00:00Z, 2026-12-05"
            + " (UTC without zone), now, or before now: -2h, -30m, -7d")
    String from;

    @Option(name = "-T", aliases = "--to", description = "Decided before; the same forms as --from")
    String to;

    @Option(name = "-n", aliases = "--limit", description = "The most decisions shown (at most 10000)")
    int limit = 20;

    @Option(name = "-t", aliases = "--trace", description = "Print each decision's trace and origin below the table")
    boolean trace;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    /** For tests: "now" of relative times. */
    Clock clock = Clock.systemUTC();

    @Override
    public Object execute() {
        Instant now = clock.instant();
        AuditQuery query = new AuditQuery(user, exact, client, correlationId, reason,
                AuditTimes.parse("--from", from, now), AuditTimes.parse("--to", to, now), limit);
        AuditSearch trail = search;
        if (trail == null) {
            throw new IllegalStateException("No audit trail to search: the audit file (feature"
                    + " radmfa-accounting-file, etc/org.radmfa.audit.file.cfg with format = json) is not running;"
                    + " radmfa:decisions shows the decisions kept in memory");
        }
        AuditSearchResult result = trail.search(query);
        ShellTable table = new ShellTable();
        for (String column : new String[] {"Time", "Correlation id", "Client", "User", "Outcome", "Reason", "Policy",
            "ms", "Detail"}) {
            table.column(column);
        }
        for (AuditedDecision decision : result.decisions()) {
            table.addRow().addContent(decision.time(), decision.correlationId(), decision.client(), decision.user(),
                    decision.outcome(), decision.reason(), decision.policy() == null ? "-" : decision.policy(),
                    decision.millis(), decision.detail());
        }
        table.print(System.out, !noFormat);
        if (trace) {
            for (AuditedDecision decision : result.decisions()) {
                System.out.println(decision.correlationId() + " (" + decision.source() + "):");
                decision.trace().forEach(line -> System.out.println("  " + line));
                decision.origin().forEach(line -> System.out.println("  from: " + line));
                System.out.println("  reply: " + String.join(", ", decision.replyAttributes()));
            }
        }
        System.out.println(result.summary() + " (" + trail.description() + ")");
        return null;
    }
}
