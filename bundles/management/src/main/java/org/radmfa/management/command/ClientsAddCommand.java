package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientEntry;
import org.radmfa.api.admin.ClientSettings;

/** Registers a RADIUS client; the shared secret is typed at a masked prompt (or generated and shown once). */
@Command(scope = "radmfa", name = "clients-add", description = "Adds a RADIUS client (the secret is asked for)")
@Service
public class ClientsAddCommand implements Action {

    @Reference
    ClientAdmin admin;

    @Reference
    Session session;

    @Argument(index = 0, name = "name", required = true, description = "Friendly name, unique")
    String name;

    @Argument(index = 1, name = "address", required = true,
            description = "IP address, CIDR subnet (e.g. 10.1.255.0/27) or DNS name")
    String address;

    @Option(name = "-v", aliases = "--vendor", description = "NAS vendor as NPS names it (default RADIUS Standard)")
    @Completion(value = StringsCompleter.class, values = {"RADIUS Standard", "Microsoft", "Cisco", "Fortinet",
        "Palo Alto Networks", "Juniper Networks"})
    String vendor = "RADIUS Standard";

    @Option(name = "-m", aliases = "--message-authenticator",
            description = "required, auto (the default: required once the NAS has sent one) or optional"
                    + " (BlastRADIUS, CVE-2024-3596)")
    @Completion(value = StringsCompleter.class, values = {"required", "auto", "optional"})
    String messageAuthenticator = "auto";

    @Option(name = "--no-message-authenticator",
            description = "Same as --message-authenticator optional (only for a NAS that cannot send it)")
    boolean noMessageAuthenticator;

    @Option(name = "--allow-proxy-state",
            description = "Accept Access-Requests with Proxy-State and without Message-Authenticator while one is"
                    + " not required (limitProxyState = false; only for a proxy that cannot sign its requests)")
    boolean allowProxyState;

    @Option(name = "--nas-timeout", description = "The NAS's RADIUS timeout in seconds, as set on the NAS (a note)")
    int nasTimeoutSeconds;

    @Option(name = "--nas-retries", description = "The NAS's RADIUS retries, as set on the NAS (a note)")
    int nasRetries;

    @Option(name = "-g", aliases = "--generate-secret",
            description = "Generate a random secret and print it once, to be set on the NAS")
    boolean generate;

    @Override
    public Object execute() throws Exception {
        MessageAuthenticatorPolicy policy = noMessageAuthenticator ? MessageAuthenticatorPolicy.OPTIONAL
                : MessageAuthenticatorPolicy.parse(messageAuthenticator);
        String secret = generate ? Prompts.generatedSecret() : Prompts.newSecret(session, "Shared secret");
        ClientEntry added = admin.put(new ClientSettings(name, address, vendor, policy, !allowProxyState,
                nasTimeoutSeconds, nasRetries), secret);
        System.out.println("Client '" + added.settings().name() + "' at " + added.settings().address()
                + " stored in " + added.source() + " (secret sha256:" + added.secretFingerprint() + ")");
        if (generate) {
            System.out.println("Shared secret (shown only now; set it on the NAS): " + secret);
        }
        return null;
    }
}
