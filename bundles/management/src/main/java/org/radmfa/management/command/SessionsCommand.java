package org.radmfa.management.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.ActiveSession;
import org.radmfa.api.ActiveSessions;

/** The sessions an accounting store has seen start and not stop (NAS Accounting Start without Stop). */
@Command(scope = "radmfa", name = "sessions", description = "Lists the active sessions (Accounting Start, no Stop yet)")
@Service
public class SessionsCommand implements Action {

    @Reference(optional = true)
    ActiveSessions sessions;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() {
        if (sessions == null) {
            System.out.println("No accounting store that tracks sessions is installed"
                    + " (feature:install radmfa-accounting-pgsql).");
            return null;
        }
        List<ActiveSession> active;
        try {
            active = sessions.active();
        } catch (IllegalStateException e) {
            System.out.println("The active sessions cannot be read now: " + e.getMessage());
            return null;
        }
        ShellTable table = new ShellTable();
        for (String column : new String[] {"Client", "NAS-IP", "User", "Acct-Session-Id", "Started", "Server"}) {
            table.column(column);
        }
        for (ActiveSession session : active) {
            table.addRow().addContent(session.client(), session.nasIp() == null ? "-" : session.nasIp(),
                    session.userName() == null ? "-" : session.userName(), session.sessionId(), session.started(),
                    session.server() == null ? "-" : session.server());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
