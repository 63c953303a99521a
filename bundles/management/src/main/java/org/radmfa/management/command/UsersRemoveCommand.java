package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.UnknownDefinitionException;
import org.radmfa.management.command.completers.UserNameCompleter;

/** Removes a user from the local store (and its file). */
@Command(scope = "radmfa", name = "users-remove", description = "Removes a local user")
@Service
public class UsersRemoveCommand implements Action {

    @Reference
    LocalUserAdmin admin;

    @Argument(index = 0, name = "name", required = true, description = "The User-Name")
    @Completion(UserNameCompleter.class)
    String name;

    @Override
    public Object execute() throws Exception {
        if (!admin.remove(name)) {
            throw new UnknownDefinitionException("local user", name);
        }
        System.out.println("User '" + name + "' removed");
        return null;
    }
}
