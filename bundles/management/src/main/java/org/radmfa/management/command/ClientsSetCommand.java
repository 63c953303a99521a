package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientEntry;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.UnknownDefinitionException;
import org.radmfa.management.command.completers.ClientNameCompleter;

/** Changes a client's settings; what is not given stays as it is. */
@Command(scope = "radmfa", name = "clients-set", description = "Changes a RADIUS client's settings")
@Service
public class ClientsSetCommand implements Action {

    @Reference
    ClientAdmin admin;

    @Argument(index = 0, name = "name", required = true, description = "The client's friendly name")
    @Completion(ClientNameCompleter.class)
    String name;

    @Option(name = "-a", aliases = "--address", description = "New address, subnet or DNS name")
    String address;

    @Option(name = "-v", aliases = "--vendor", description = "NAS vendor")
    String vendor;

    @Option(name = "-m", aliases = "--message-authenticator",
            description = "required (drop requests without it), auto (required once the NAS has sent one) or"
                    + " optional")
    @Completion(value = StringsCompleter.class, values = {"required", "auto", "optional"})
    String messageAuthenticator;

    @Option(name = "--limit-proxy-state",
            description = "true: drop requests with Proxy-State and without Message-Authenticator while one is not"
                    + " required; false: accept them (a proxy that cannot sign)")
    @Completion(value = StringsCompleter.class, values = {"true", "false"})
    String limitProxyState;

    @Option(name = "--nas-timeout", description = "The NAS's RADIUS timeout in seconds (0: not known)")
    Integer nasTimeoutSeconds;

    @Option(name = "--nas-retries", description = "The NAS's RADIUS retries (0: not known)")
    Integer nasRetries;

    @Override
    public Object execute() throws Exception {
        ClientSettings old = admin.client(name).orElseThrow(() -> new UnknownDefinitionException("RADIUS client",
                name)).settings();
        MessageAuthenticatorPolicy policy = messageAuthenticator == null ? old.messageAuthenticator()
                : MessageAuthenticatorPolicy.parse(messageAuthenticator);
        boolean limit = old.limitProxyState();
        if (limitProxyState != null) {
            if (!limitProxyState.equals("true") && !limitProxyState.equals("false")) {
                throw new IllegalArgumentException("--limit-proxy-state is true or false");
            }
            limit = Boolean.parseBoolean(limitProxyState);
        }
        ClientEntry changed = admin.put(new ClientSettings(old.name(), address == null ? old.address() : address,
                vendor == null ? old.vendor() : vendor, policy, limit,
                nasTimeoutSeconds == null ? old.nasTimeoutSeconds() : nasTimeoutSeconds,
                nasRetries == null ? old.nasRetries() : nasRetries), null);
        System.out.println("Client '" + changed.settings().name() + "' changed in " + changed.source());
        return null;
    }
}
