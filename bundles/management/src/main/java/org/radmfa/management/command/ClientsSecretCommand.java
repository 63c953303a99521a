package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientEntry;
import org.radmfa.management.command.completers.ClientNameCompleter;

/**
 * Sets or rotates a client's shared secret. The new secret takes effect at once: set it on the NAS at the same
 * time (until then the NAS's requests are dropped and counted as "bad secret").
 */
@Command(scope = "radmfa", name = "clients-secret",
        description = "Sets or rotates a RADIUS client's shared secret (asked for, or generated)")
@Service
public class ClientsSecretCommand implements Action {

    @Reference
    ClientAdmin admin;

    @Reference
    Session session;

    @Argument(index = 0, name = "name", required = true, description = "The client's friendly name")
    @Completion(ClientNameCompleter.class)
    String name;

    @Option(name = "-g", aliases = "--generate", description = "Generate a random secret and print it once")
    boolean generate;

    @Override
    public Object execute() throws Exception {
        String secret = generate ? Prompts.generatedSecret() : Prompts.newSecret(session, "New shared secret");
        ClientEntry changed = admin.setSecret(name, secret);
        System.out.println("Secret of client '" + changed.settings().name() + "' changed (now sha256:"
                + changed.secretFingerprint() + "); set the same on the NAS");
        if (generate) {
            System.out.println("Shared secret (shown only now): " + secret);
        }
        return null;
    }
}
