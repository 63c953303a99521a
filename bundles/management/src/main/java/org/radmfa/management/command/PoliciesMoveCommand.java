package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.management.command.completers.PolicyKindCompleter;
import org.radmfa.management.command.completers.PolicyNameCompleter;

/** Moves a policy to a position in processing order (1 = first), like NPS's "Move up / Move down". */
@Command(scope = "radmfa", name = "policies-move",
        description = "Moves a policy to a position in processing order (1 = evaluated first)")
@Service
public class PoliciesMoveCommand implements Action {

    @Reference
    PolicyAdmin admin;

    @Option(name = "-k", aliases = "--kind", description = "network (default) or crp")
    @Completion(PolicyKindCompleter.class)
    String kind = "network";

    @Argument(index = 0, name = "name", required = true, description = "The policy's name")
    @Completion(PolicyNameCompleter.class)
    String name;

    @Argument(index = 1, name = "position", required = true, description = "The new position, 1 = first")
    int position;

    @Override
    public Object execute() throws Exception {
        PolicyKind policyKind = PolicyKinds.parse(kind);
        int at = 1;
        for (PolicyEntry policy : admin.move(policyKind, name, position)) {
            System.out.println(at++ + ". " + policy.settings().name() + " (order " + policy.settings().order() + ")");
        }
        return null;
    }
}
