package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.RadiusClient;

/** The registered RADIUS clients, with the fingerprint of each shared secret (never the secret). */
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
        table.column("Secret fingerprint");
        for (RadiusClient client : registry.clients()) {
            table.addRow().addContent(client.name(), client.address(), client.vendor(),
                    client.requireMessageAuthenticator() ? "required" : "optional", client.secret().fingerprint());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
