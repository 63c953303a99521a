package org.radmfa.management.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.UnknownDefinitionException;
import org.radmfa.management.command.completers.PolicyKindCompleter;
import org.radmfa.management.command.completers.PolicyNameCompleter;

/** Every setting of one policy, and the file it is kept in. */
@Command(scope = "radmfa", name = "policies-show", description = "Shows every setting of a policy")
@Service
public class PoliciesShowCommand implements Action {

    @Reference
    PolicyAdmin admin;

    @Option(name = "-k", aliases = "--kind", description = "network (default) or crp")
    @Completion(PolicyKindCompleter.class)
    String kind = "network";

    @Argument(index = 0, name = "name", required = true, description = "The policy's name")
    @Completion(PolicyNameCompleter.class)
    String name;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        PolicyKind policyKind = PolicyKinds.parse(kind);
        PolicyEntry entry = admin.policy(policyKind, name).orElseThrow(() -> new UnknownDefinitionException(
                PolicyKinds.describe(policyKind), name));
        ShellTable table = new ShellTable();
        table.column("Key");
        table.column("Value");
        table.addRow().addContent("name", entry.settings().name());
        table.addRow().addContent("order", entry.settings().order());
        table.addRow().addContent("enabled", entry.settings().enabled());
        entry.settings().settings().forEach((key, value) -> table.addRow().addContent(key, value));
        table.addRow().addContent("(file)", entry.source());
        table.print(System.out, !noFormat);
        return null;
    }
}
