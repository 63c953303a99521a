package org.radmfa.proxy.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.RemoteServerGroups;
import org.radmfa.api.RemoteServerStatus;

/** The remote RADIUS server groups, each server's state and counters, and its secret's fingerprint. */
@Command(scope = "radmfa", name = "proxy",
        description = "Lists the remote RADIUS server groups requests are forwarded to, and their servers' state")
@Service
public class ProxyCommand implements Action {

    @Reference
    RemoteServerGroups groups;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() {
        java.util.List<RemoteServerStatus> servers = groups.servers();
        if (servers.isEmpty()) {
            System.out.println("No remote RADIUS server is configured (etc/org.radmfa.proxy.server-NAME.cfg)");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Group");
        table.column("Server");
        table.column("Address");
        table.column("Priority");
        table.column("Weight");
        table.column("State");
        table.column("Forwarded");
        table.column("Answered");
        table.column("Lost");
        table.column("Bad answers");
        table.column("Last answer (ms)");
        table.column("Secret fingerprint");
        for (RemoteServerStatus server : servers) {
            table.addRow().addContent(server.group(), server.name(), server.address(), server.priority(),
                    server.weight(), server.up() ? "up" : "DOWN since " + server.downSince(), server.forwarded(),
                    server.answered(), server.lost(), server.badAnswers(),
                    server.lastAnswerMillis() < 0 ? "-" : server.lastAnswerMillis(), server.secretFingerprint());
        }
        table.print(System.out, !noFormat);
        System.out.println("Accounting records spooled (no server of their group acknowledged them yet): "
                + groups.spooledAccounting());
        return null;
    }
}
