package org.radmfa.management.command;

import java.util.Collection;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.radmfa.api.MfaActivity;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaStatus;

/**
 * The second factor at a glance: the connector the pipeline uses and the others installed, its health as the
 * outcomes show it, what is pending, and how attempts ended.
 */
@Command(scope = "radmfa", name = "mfa", description = "Shows the MFA connector in use, its health, pending"
        + " second factors and outcomes by kind")
@Service
public class MfaCommand implements Action {

    @Reference
    MfaActivity activity;

    @Reference
    BundleContext bundleContext;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        MfaStatus status = activity.status();
        ShellTable table = new ShellTable();
        table.column("Item");
        table.column("Value");
        table.addRow().addContent("Connector in use", status.connector() == null ? "(none)" : status.connector());
        table.addRow().addContent("Health", health(status));
        table.addRow().addContent("Pending", status.pending());
        for (MfaOutcome.Kind kind : MfaOutcome.Kind.values()) {
            table.addRow().addContent("Outcome " + kind, status.outcomes().getOrDefault(kind, 0L));
        }
        table.addRow().addContent("Last approved", status.lastApproved() == null ? "-" : status.lastApproved());
        table.addRow().addContent("Last unavailable", status.lastUnavailable() == null ? "-"
                : status.lastUnavailable() + " (" + status.lastUnavailableDetail() + ")");
        Collection<ServiceReference<MfaConnector>> installed = bundleContext.getServiceReferences(MfaConnector.class,
                null);
        for (ServiceReference<MfaConnector> reference : installed) {
            Object name = reference.getProperty("connector");
            table.addRow().addContent("Installed connector", (name == null ? "(unnamed)" : name) + " from bundle "
                    + reference.getBundle().getSymbolicName() + " (service " + reference.getProperty("service.id")
                    + ")");
        }
        table.print(System.out, !noFormat);
        return null;
    }

    /** Healthy unless the latest of "approved" and "unavailable" is "unavailable". */
    static String health(MfaStatus status) {
        if (status.connector() == null) {
            return "NO CONNECTOR: policies requiring MFA reject with MFA_UNAVAILABLE";
        }
        if (status.lastUnavailable() != null && (status.lastApproved() == null
                || status.lastUnavailable().isAfter(status.lastApproved()))) {
            return "DEGRADED: unavailable at " + status.lastUnavailable() + ", no approval since";
        }
        if (status.outcomes().values().stream().mapToLong(Long::longValue).sum() == 0) {
            return "UNKNOWN: no attempt yet";
        }
        return "OK";
    }
}
