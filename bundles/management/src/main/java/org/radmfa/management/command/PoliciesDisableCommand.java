package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.management.command.completers.PolicyKindCompleter;
import org.radmfa.management.command.completers.PolicyNameCompleter;

/** Disables a policy: it is skipped in evaluation. */
@Command(scope = "radmfa", name = "policies-disable", description = "Disables a policy: it is skipped in evaluation")
@Service
public class PoliciesDisableCommand implements Action {

    @Reference
    PolicyAdmin admin;

    @Option(name = "-k", aliases = "--kind", description = "network (default) or crp")
    @Completion(PolicyKindCompleter.class)
    String kind = "network";

    @Argument(index = 0, name = "name", required = true, description = "The policy's name")
    @Completion(PolicyNameCompleter.class)
    String name;

    @Override
    public Object execute() throws Exception {
        PolicyKind policyKind = PolicyKinds.parse(kind);
        admin.setEnabled(policyKind, name, false);
        System.out.println(PolicyKinds.describe(policyKind) + " '" + name + "' disabled");
        return null;
    }
}
