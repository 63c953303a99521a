package org.radmfa.management.command;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.RadiusClient;

/**
 * The registered RADIUS clients, with the fingerprint of each shared secret (never the secret), the state of each
 * one's Message-Authenticator requirement and whether its NAS has ever sent one.
 */
@Command(scope = "radmfa", name = "clients", description = "Lists the registered RADIUS clients")
@Service
public class ClientsCommand implements Action {

    @Reference
    ClientRegistry registry;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Address");
        table.column("Vendor");
        table.column("Message-Authenticator");
        table.column("Sent one");
        table.column("Proxy-State");
        table.column("Secret fingerprint");
        for (RadiusClient client : registry.clients()) {
            Optional<Instant> received = registry.messageAuthenticatorReceived(client.name());
            table.addRow().addContent(client.name(), client.address(), client.vendor(),
                    MessageAuthenticatorState.describe(client.messageAuthenticator(), received.isPresent()),
                    received.map(when -> "yes, first " + when.truncatedTo(ChronoUnit.SECONDS)).orElse("no"),
                    client.limitProxyState() ? "limited" : "allowed", client.secret().fingerprint());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
