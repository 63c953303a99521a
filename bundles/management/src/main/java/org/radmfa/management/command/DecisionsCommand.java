package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.DecisionLog;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.RequestAttribute;

/** The latest decisions, newest first, each with its reason and, on request, its trace. */
@Command(scope = "radmfa", name = "decisions", description = "Shows the latest decisions with their reasons")
@Service
public class DecisionsCommand implements Action {

    @Reference
    DecisionLog log;

    @Option(name = "-n", aliases = "--count", description = "How many decisions to show")
    int count = 20;

    @Option(name = "-t", aliases = "--trace", description = "Print each decision's trace below it")
    boolean trace;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        for (String column : new String[] {"Time", "Id", "Client", "From", "User", "Outcome", "Reason", "Policy", "ms",
            "Detail"}) {
            table.column(column);
        }
        for (DecisionRecord record : log.recent(count)) {
            table.addRow().addContent(record.time(), record.id(), record.client(), from(record), record.userName(),
                    record.decision().outcome(), record.decision().reason(),
                    record.decision().policyName() == null ? "-" : record.decision().policyName(), record.millis(),
                    record.decision().detail());
        }
        table.print(System.out, !noFormat);
        if (trace) {
            for (DecisionRecord record : log.recent(count)) {
                System.out.println(record.id() + ":");
                record.decision().trace().forEach(line -> System.out.println("  " + line));
            }
        }
        return null;
    }

    /** Where the login came from: the user's station if the NAS said, else the NAS itself. */
    static String from(DecisionRecord record) {
        for (String name : new String[] {"Calling-Station-Id", "NAS-IP-Address", "NAS-IPv6-Address",
            "NAS-Identifier"}) {
            for (RequestAttribute attribute : record.origin()) {
                if (attribute.name().equals(name)) {
                    return attribute.value();
                }
            }
        }
        return "-";
    }
}
