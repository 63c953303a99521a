package org.radmfa.management.command;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.radmfa.api.LoggingHealth;

/**
 * Each logging sink (accounting and audit files): writing or failing, why, whether it is turning Access-Requests
 * away (onFailure = discard-requests), and how many records it refused.
 */
@Command(scope = "radmfa", name = "logging", description = "Shows whether each accounting and audit file can write")
@Service
public class LoggingCommand implements Action {

    @Reference
    BundleContext context;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() throws InvalidSyntaxException {
        ShellTable table = new ShellTable();
        for (String column : new String[] {"Sink", "State", "Discarding requests", "Refused records", "Failure"}) {
            table.column(column);
        }
        Collection<ServiceReference<LoggingHealth>> references = context.getServiceReferences(LoggingHealth.class,
                null);
        List<ServiceReference<LoggingHealth>> used = new ArrayList<>();
        try {
            for (ServiceReference<LoggingHealth> reference : references) {
                LoggingHealth health = context.getService(reference);
                if (health == null) {
                    continue;
                }
                used.add(reference);
                String failure = health.failure().orElse(null);
                table.addRow().addContent(health.name(), failure == null ? "writing" : "FAILING",
                        health.discardsRequests() ? "YES" : "no", health.refusedRecords(),
                        failure == null ? "-" : failure);
            }
        } finally {
            used.forEach(context::ungetService);
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
