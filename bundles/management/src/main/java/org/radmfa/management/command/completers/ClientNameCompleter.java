package org.radmfa.management.command.completers;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.RadiusClient;

/** Completes the friendly names of the registered RADIUS clients. */
@Service
public class ClientNameCompleter implements Completer {

    @Reference
    ClientRegistry registry;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter(false);
        registry.clients().stream().map(RadiusClient::name).forEach(names.getStrings()::add);
        return names.complete(session, commandLine, candidates);
    }
}
