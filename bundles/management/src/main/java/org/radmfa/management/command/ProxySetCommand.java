package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.api.admin.RemoteServerEntry;
import org.radmfa.api.admin.RemoteServerSettings;
import org.radmfa.api.admin.UnknownDefinitionException;
import org.radmfa.management.command.completers.RemoteServerGroupCompleter;

/** Changes a remote RADIUS server's settings, or its secret; what is not given stays as it is. */
@Command(scope = "radmfa", name = "proxy-set", description = "Changes a remote RADIUS server's settings")
@Service
public class ProxySetCommand extends RemoteServerOptions implements Action {

    @Reference
    RemoteServerAdmin admin;

    @Reference
    Session session;

    @Argument(index = 0, name = "group", required = true, description = "The remote RADIUS server group")
    @Completion(RemoteServerGroupCompleter.class)
    String group;

    @Argument(index = 1, name = "name", required = true, description = "The server's name in its group")
    String name;

    @Option(name = "-s", aliases = "--secret", description = "Ask for a new shared secret (masked prompt)")
    boolean newSecret;

    @Override
    public Object execute() throws Exception {
        RemoteServerSettings old = admin.server(group, name).orElseThrow(() -> new UnknownDefinitionException(
                "remote RADIUS server in group '" + group + "'", name)).settings();
        RemoteServerSettings wanted = applyTo(old);
        admin.check(wanted, null);
        String secret = newSecret ? Prompts.newSecret(session, "Shared secret") : null;
        RemoteServerEntry changed = admin.put(wanted, secret);
        System.out.println("Remote server '" + changed.settings().name() + "' of group '" + changed.settings().group()
                + "' changed in " + changed.source() + (secret == null ? "" : " (secret sha256:"
                        + changed.secretFingerprint() + ")"));
        return null;
    }
}
