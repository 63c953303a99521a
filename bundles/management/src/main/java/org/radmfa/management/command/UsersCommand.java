package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.LocalUserEntry;

/** The users of the local store: groups, enabled, which methods their stored credentials allow. */
@Command(scope = "radmfa", name = "users", description = "Lists the users of the local store")
@Service
public class UsersCommand implements Action {

    @Reference
    LocalUserAdmin admin;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        ShellTable table = new ShellTable();
        for (String column : new String[] {"Name", "Groups", "Enabled", "PAP", "MS-CHAPv2", "CHAP", "File"}) {
            table.column(column);
        }
        for (LocalUserEntry user : admin.users()) {
            table.addRow().addContent(user.settings().name(), String.join(", ", user.settings().groups()),
                    user.settings().enabled() ? "yes" : "no", "yes", user.hasNtHash() ? "yes" : "no",
                    user.hasChapPassword() ? "yes" : "no", user.source());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
