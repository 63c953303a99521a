package org.radmfa.management.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.api.admin.RemoteServerEntry;
import org.radmfa.api.admin.RemoteServerSettings;

/**
 * The remote RADIUS server groups as configured: every server's settings and where they are kept (radmfa:proxy
 * shows the servers' state and counters).
 */
@Command(scope = "radmfa", name = "proxy-groups",
        description = "Lists the remote RADIUS server groups and their servers' settings as configured")
@Service
public class ProxyGroupsCommand implements Action {

    @Reference
    RemoteServerAdmin admin;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        List<RemoteServerEntry> servers = admin.servers();
        if (servers.isEmpty()) {
            System.out.println("No remote RADIUS server group is configured: add a server with radmfa:proxy-add");
            return null;
        }
        ShellTable table = new ShellTable();
        for (String column : List.of("Group", "Server", "Address", "Auth port", "Acct port", "Priority", "Weight",
                "Timeout (s)", "Max lost", "Blackout (s)", "Accounting", "Message-Authenticator",
                "Secret fingerprint", "Source")) {
            table.column(column);
        }
        for (RemoteServerEntry entry : servers) {
            RemoteServerSettings s = entry.settings();
            table.addRow().addContent(s.group(), s.name(), s.address(), s.authPort(), s.acctPort(), s.priority(),
                    s.weight(), s.timeoutSeconds(), s.maxLostRequests(), s.blackoutSeconds(),
                    s.forwardAccounting() ? "forwarded" : "not forwarded",
                    (s.sendMessageAuthenticator() ? "sent" : "not sent")
                            + (s.requireMessageAuthenticator() ? ", required" : ""),
                    entry.secretFingerprint(), entry.source());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
