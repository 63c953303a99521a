package org.radmfa.management.command;

import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.LocalUserEntry;
import org.radmfa.api.admin.LocalUserSettings;
import org.radmfa.management.command.completers.GroupCompleter;

/** Adds a user to the local store; the password is typed at a masked prompt and stored only as its hash. */
@Command(scope = "radmfa", name = "users-add", description = "Adds a local user (the password is asked for)")
@Service
public class UsersAddCommand implements Action {

    @Reference
    LocalUserAdmin admin;

    @Reference
    Session session;

    @Argument(index = 0, name = "name", required = true, description = "The User-Name")
    String name;

    @Option(name = "-g", aliases = "--group", multiValued = true, description = "A group (repeat for several)")
    @Completion(GroupCompleter.class)
    List<String> groups = new ArrayList<>();

    @Option(name = "--mschapv2", description = "Also keep the NT hash MS-CHAPv2 / EAP-MSCHAPv2 need (IKEv2)")
    boolean msChapV2;

    @Option(name = "--chap", description = "Also keep the password sealed for CHAP (reversible encryption)")
    boolean chap;

    @Option(name = "--disabled", description = "Add the user disabled")
    boolean disabled;

    @Override
    public Object execute() throws Exception {
        if (admin.user(name).isPresent()) {
            throw new InvalidDefinitionException("name", "user '" + name + "' exists; use users-passwd,"
                    + " users-groups or users-enable/-disable to change it");
        }
        String password = Prompts.newSecret(session, "Password");
        LocalUserEntry added = admin.put(new LocalUserSettings(name, groups, !disabled, msChapV2, chap), password);
        System.out.println("User '" + added.settings().name() + "' stored in " + added.source());
        return null;
    }
}
