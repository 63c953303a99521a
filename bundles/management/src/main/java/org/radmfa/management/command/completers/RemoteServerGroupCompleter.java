package org.radmfa.management.command.completers;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.RemoteServerAdmin;

/** Completes the names of the configured remote RADIUS server groups. */
@Service
public class RemoteServerGroupCompleter implements Completer {

    @Reference
    RemoteServerAdmin admin;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter(false);
        try {
            admin.servers().forEach(server -> names.getStrings().add(server.settings().group()));
        } catch (AdminException e) {
            // Nothing to offer: completion must not fail the command line.
        }
        return names.complete(session, commandLine, candidates);
    }
}
