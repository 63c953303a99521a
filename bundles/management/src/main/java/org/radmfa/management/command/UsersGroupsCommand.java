package org.radmfa.management.command;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.LocalUserSettings;
import org.radmfa.api.admin.UnknownDefinitionException;
import org.radmfa.management.command.completers.GroupCompleter;
import org.radmfa.management.command.completers.UserNameCompleter;

/** Shows a local user's groups, or changes them. */
@Command(scope = "radmfa", name = "users-groups",
        description = "Shows a local user's groups; -a adds, -r removes, --set replaces them")
@Service
public class UsersGroupsCommand implements Action {

    @Reference
    LocalUserAdmin admin;

    @Argument(index = 0, name = "name", required = true, description = "The User-Name")
    @Completion(UserNameCompleter.class)
    String name;

    @Option(name = "-a", aliases = "--add", multiValued = true, description = "A group to add (repeat)")
    @Completion(GroupCompleter.class)
    List<String> add = new ArrayList<>();

    @Option(name = "-r", aliases = "--remove", multiValued = true, description = "A group to remove (repeat)")
    @Completion(GroupCompleter.class)
    List<String> remove = new ArrayList<>();

    @Option(name = "-s", aliases = "--set", multiValued = true,
            description = "Replace all groups by these (repeat); --set '' leaves none")
    List<String> set;

    @Override
    public Object execute() throws Exception {
        LocalUserSettings old = admin.user(name).orElseThrow(() -> new UnknownDefinitionException("local user",
                name)).settings();
        if (add.isEmpty() && remove.isEmpty() && set == null) {
            old.groups().forEach(System.out::println);
            return null;
        }
        Set<String> groups = new LinkedHashSet<>(set == null ? old.groups() : set);
        groups.addAll(add);
        remove.forEach(g -> groups.removeIf(existing -> existing.equalsIgnoreCase(g)));
        groups.removeIf(String::isBlank);
        admin.put(new LocalUserSettings(old.name(), List.copyOf(groups), old.enabled(), old.msChapV2(), old.chap()),
                null);
        System.out.println("Groups of '" + old.name() + "': " + String.join(", ", groups));
        return null;
    }
}
