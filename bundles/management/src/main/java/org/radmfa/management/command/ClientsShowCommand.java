package org.radmfa.management.command;

import java.time.Instant;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.ClientStatistics;
import org.radmfa.api.RadiusStatistics;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientEntry;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.UnknownDefinitionException;
import org.radmfa.management.command.completers.ClientNameCompleter;

/** One client: its settings, its file, the fingerprint of its secret, and what the server saw from it. */
@Command(scope = "radmfa", name = "clients-show", description = "Shows one RADIUS client with its counters")
@Service
public class ClientsShowCommand implements Action {

    @Reference
    ClientAdmin admin;

    @Reference(optional = true)
    RadiusStatistics statistics;

    @Reference(optional = true)
    ClientRegistry registry;

    @Argument(index = 0, name = "name", required = true, description = "The client's friendly name")
    @Completion(ClientNameCompleter.class)
    String name;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        ClientEntry entry = admin.client(name).orElseThrow(() -> new UnknownDefinitionException("RADIUS client",
                name));
        ClientSettings settings = entry.settings();
        ShellTable table = new ShellTable();
        table.column("Setting");
        table.column("Value");
        table.addRow().addContent("Name", settings.name());
        table.addRow().addContent("Address", settings.address());
        table.addRow().addContent("Vendor", settings.vendor());
        ClientRegistry clients = registry;
        Optional<Instant> received = clients == null ? Optional.empty()
                : clients.messageAuthenticatorReceived(settings.name());
        table.addRow().addContent("Message-Authenticator",
                MessageAuthenticatorState.describe(settings.messageAuthenticator(), received.isPresent()));
        table.addRow().addContent("Sent one", received.map(when -> "yes, first " + when).orElse("no"));
        table.addRow().addContent("Proxy-State without Message-Authenticator", settings.limitProxyState()
                ? "dropped while one is not required (limitProxyState)" : "allowed");
        table.addRow().addContent("Secret fingerprint", "sha256:" + entry.secretFingerprint());
        table.addRow().addContent("NAS timeout", settings.nasTimeoutSeconds() == 0 ? "-"
                : settings.nasTimeoutSeconds() + " s");
        table.addRow().addContent("NAS retries", settings.nasRetries() == 0 ? "-" : settings.nasRetries());
        table.addRow().addContent("File", entry.source());
        RadiusStatistics counters = statistics;
        if (counters != null) {
            for (ClientStatistics client : counters.clients()) {
                if (client.client().equalsIgnoreCase(settings.name())) {
                    table.addRow().addContent("Requests", client.requests());
                    table.addRow().addContent("Answers", client.answers());
                    table.addRow().addContent("Rejects by reason", client.rejects());
                    table.addRow().addContent("Drops by reason", client.drops());
                    table.addRow().addContent("Bad secret", client.badSecret());
                    table.addRow().addContent("Bad password", client.badPassword());
                    table.addRow().addContent("Last good packet", client.lastGoodPacket() == null ? "-"
                            : client.lastGoodPacket());
                }
            }
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
