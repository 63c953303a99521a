package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.management.command.completers.UserNameCompleter;

/** Enables a local user. */
@Command(scope = "radmfa", name = "users-enable", description = "Enables a local user")
@Service
public class UsersEnableCommand implements Action {

    @Reference
    LocalUserAdmin admin;

    @Argument(index = 0, name = "name", required = true, description = "The User-Name")
    @Completion(UserNameCompleter.class)
    String name;

    @Override
    public Object execute() throws Exception {
        admin.setEnabled(name, true);
        System.out.println("User '" + name + "' enabled");
        return null;
    }
}
