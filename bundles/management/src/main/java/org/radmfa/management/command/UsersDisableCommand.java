package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.management.command.completers.UserNameCompleter;

/** Disables a local user: rejected before any password check. */
@Command(scope = "radmfa", name = "users-disable", description = "Disables a local user: rejected before any password check")
@Service
public class UsersDisableCommand implements Action {

    @Reference
    LocalUserAdmin admin;

    @Argument(index = 0, name = "name", required = true, description = "The User-Name")
    @Completion(UserNameCompleter.class)
    String name;

    @Override
    public Object execute() throws Exception {
        admin.setEnabled(name, false);
        System.out.println("User '" + name + "' disabled");
        return null;
    }
}
