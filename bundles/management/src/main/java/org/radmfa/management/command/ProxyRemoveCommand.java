package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.api.admin.UnknownDefinitionException;
import org.radmfa.management.command.completers.RemoteServerGroupCompleter;

/** Removes a remote RADIUS server (and its file); requests go to the other servers of its group. */
@Command(scope = "radmfa", name = "proxy-remove", description = "Removes a remote RADIUS server from its group")
@Service
public class ProxyRemoveCommand implements Action {

    @Reference
    RemoteServerAdmin admin;

    @Argument(index = 0, name = "group", required = true, description = "The remote RADIUS server group")
    @Completion(RemoteServerGroupCompleter.class)
    String group;

    @Argument(index = 1, name = "name", required = true, description = "The server's name in its group")
    String name;

    @Override
    public Object execute() throws Exception {
        if (!admin.remove(group, name)) {
            throw new UnknownDefinitionException("remote RADIUS server in group '" + group + "'", name);
        }
        boolean groupLeft = admin.servers().stream().anyMatch(s -> s.settings().group().equalsIgnoreCase(group));
        System.out.println("Remote server '" + name + "' removed from group '" + group + "'"
                + (groupLeft ? "" : "; the group has no server left: requests forwarded to it are rejected"
                        + " (REMOTE_UNAVAILABLE)"));
        return null;
    }
}
