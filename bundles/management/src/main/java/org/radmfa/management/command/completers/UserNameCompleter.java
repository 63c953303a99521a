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

/** Completes the names of the users of the local store. */
@Service
public class UserNameCompleter implements Completer {

    @Reference
    LocalUserAdmin users;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter(false);
        try {
            for (LocalUserEntry user : users.users()) {
                names.getStrings().add(user.settings().name());
            }
        } catch (AdminException e) {
            return -1;
        }
        return names.complete(session, commandLine, candidates);
    }
}
