package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.management.command.completers.UserNameCompleter;

/** Sets a local user's password (typed at a masked prompt). */
@Command(scope = "radmfa", name = "users-passwd", description = "Sets a local user's password (asked for)")
@Service
public class UsersPasswdCommand implements Action {

    @Reference
    LocalUserAdmin admin;

    @Reference
    Session session;

    @Argument(index = 0, name = "name", required = true, description = "The User-Name")
    @Completion(UserNameCompleter.class)
    String name;

    @Override
    public Object execute() throws Exception {
        String password = Prompts.newSecret(session, "New password");
        admin.setPassword(name, password);
        System.out.println("Password of '" + name + "' changed");
        return null;
    }
}
