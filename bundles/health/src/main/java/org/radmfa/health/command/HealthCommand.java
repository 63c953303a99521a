package org.radmfa.health.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.apache.felix.hc.api.execution.HealthCheckExecutionResult;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.apache.felix.hc.api.execution.HealthCheckSelector;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * The checks a readiness probe runs, as a table. Felix HC's own {@code hc:exec} is a Gogo function that returns its
 * report as a value, which Karaf's non-interactive client ({@code bin/client ... 'cmd'}) does not print; scripts and
 * operators over SSH need a command that writes its output.
 */
@Command(scope = "radmfa", name = "health", description = "Runs the health checks (those tagged ready, or the given"
        + " tags) and shows each one's status: what /health/ready answers")
@Service
public class HealthCommand implements Action {

    @Reference
    HealthCheckExecutor executor;

    @Argument(index = 0, name = "tags", description = "Health check tags, comma separated (ready, live)")
    String tags = "ready";

    @Option(name = "-v", aliases = "--verbose", description = "Every message, debug lines included")
    boolean verbose;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() {
        List<HealthCheckExecutionResult> results = new ArrayList<>(executor.execute(HealthCheckSelector.tags(
                tags.split(","))));
        results.sort(Comparator.comparing(result -> result.getHealthCheckMetadata().getName()));
        Result.Status overall = Result.Status.OK;
        ShellTable table = new ShellTable();
        table.column("Check");
        table.column("Status");
        table.column("Messages");
        for (HealthCheckExecutionResult execution : results) {
            Result result = execution.getHealthCheckResult();
            if (result.getStatus().ordinal() > overall.ordinal()) {
                overall = result.getStatus();
            }
            List<String> messages = new ArrayList<>();
            for (ResultLog.Entry entry : result) {
                if (verbose || !entry.isDebug()) {
                    messages.add(entry.getMessage());
                }
            }
            table.addRow().addContent(execution.getHealthCheckMetadata().getName(), result.getStatus(),
                    String.join("; ", messages));
        }
        table.print(System.out, !noFormat);
        System.out.println("Overall: " + (results.isEmpty() ? "no check tagged " + tags : overall));
        return null;
    }
}
