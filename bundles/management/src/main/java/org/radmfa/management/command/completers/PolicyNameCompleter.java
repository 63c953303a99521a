package org.radmfa.management.command.completers;

import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;

/**
 * Completes policy names: of connection request policies when the line says {@code -k crp}, of network policies
 * otherwise.
 */
@Service
public class PolicyNameCompleter implements Completer {

    @Reference
    PolicyAdmin policies;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> words = Arrays.asList(commandLine.getArguments());
        int kindAt = Math.max(words.indexOf("-k"), words.indexOf("--kind"));
        PolicyKind kind = kindAt >= 0 && kindAt + 1 < words.size() && words.get(kindAt + 1).startsWith("c")
                ? PolicyKind.CONNECTION_REQUEST : PolicyKind.NETWORK;
        StringsCompleter names = new StringsCompleter(false);
        try {
            for (PolicyEntry policy : policies.policies(kind)) {
                names.getStrings().add(policy.settings().name());
            }
        } catch (AdminException e) {
            return -1;
        }
        return names.complete(session, commandLine, candidates);
    }
}
