package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.api.admin.RemoteServerEntry;
import org.radmfa.api.admin.RemoteServerSettings;
import org.radmfa.management.command.completers.RemoteServerGroupCompleter;

/**
 * Adds a server to a remote RADIUS server group (the group exists while a server names it); the shared secret the
 * remote server has for this appliance is typed at a masked prompt.
 */
@Command(scope = "radmfa", name = "proxy-add",
        description = "Adds a remote RADIUS server to a server group (the secret is asked for)")
@Service
public class ProxyAddCommand extends RemoteServerOptions implements Action {

    @Reference
    RemoteServerAdmin admin;

    @Reference
    Session session;

    @Argument(index = 0, name = "group", required = true,
            description = "The remote RADIUS server group, as a connection request policy's serverGroup names it")
    @Completion(RemoteServerGroupCompleter.class)
    String group;

    @Argument(index = 1, name = "name", required = true, description = "The server's name, unique in its group")
    String name;

    @Argument(index = 2, name = "address", required = true, description = "IP address or DNS name")
    String serverAddress;

    @Override
    public Object execute() throws Exception {
        if (admin.server(group, name).isPresent()) {
            throw new IllegalArgumentException("group '" + group + "' has a server '" + name
                    + "' already: change it with radmfa:proxy-set");
        }
        address = serverAddress;
        RemoteServerSettings settings = applyTo(RemoteServerSettings.withDefaults(group, name, serverAddress));
        // Settings refused before the secret is typed, not after (the secret given here is only a stand-in).
        admin.check(settings, "stand-in");
        String secret = Prompts.newSecret(session, "Shared secret");
        RemoteServerEntry added = admin.put(settings, secret);
        System.out.println("Remote server '" + added.settings().name() + "' of group '" + added.settings().group()
                + "' at " + added.settings().address() + ":" + added.settings().authPort() + " stored in "
                + added.source() + " (secret sha256:" + added.secretFingerprint() + ")");
        return null;
    }
}
