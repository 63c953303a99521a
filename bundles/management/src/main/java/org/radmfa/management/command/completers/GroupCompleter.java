package org.radmfa.management.command.completers;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.LocalUserEntry;

/** Completes the groups the local users are in. */
@Service
public class GroupCompleter implements Completer {

    @Reference
    LocalUserAdmin users;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter groups = new StringsCompleter(false);
        try {
            for (LocalUserEntry user : users.users()) {
                groups.getStrings().addAll(user.settings().groups());
            }
        } catch (AdminException e) {
            return -1;
        }
        return groups.complete(session, commandLine, candidates);
    }
}
