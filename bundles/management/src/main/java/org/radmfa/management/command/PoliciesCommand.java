package org.radmfa.management.command;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;
import org.radmfa.management.command.completers.PolicyKindCompleter;

/** The policies of one kind in processing order, as NPS's console lists them. */
@Command(scope = "radmfa", name = "policies",
        description = "Lists network policies (or, with -k crp, connection request policies) in processing order")
@Service
public class PoliciesCommand implements Action {

    @Reference
    PolicyAdmin admin;

    @Option(name = "-k", aliases = "--kind", description = "network (default) or crp")
    @Completion(PolicyKindCompleter.class)
    String kind = "network";

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        PolicyKind policyKind = PolicyKinds.parse(kind);
        List<PolicyEntry> policies = admin.policies(policyKind);
        ShellTable table = new ShellTable();
        for (String column : policyKind == PolicyKind.NETWORK
                ? new String[] {"#", "Order", "Name", "Enabled", "Access", "MFA", "Conditions"}
                : new String[] {"#", "Order", "Name", "Enabled", "Action", "Directory", "Conditions"}) {
            table.column(column);
        }
        int position = 1;
        for (PolicyEntry entry : policies) {
            PolicySettings policy = entry.settings();
            Map<String, String> settings = policy.settings();
            String conditions = settings.entrySet().stream().filter(e -> e.getKey().startsWith("condition."))
                    .map(e -> e.getKey().substring("condition.".length()) + "=" + e.getValue())
                    .collect(Collectors.joining("; "));
            if (policyKind == PolicyKind.NETWORK) {
                table.addRow().addContent(position++, policy.order(), policy.name(), policy.enabled() ? "yes" : "no",
                        settings.getOrDefault("access", "deny"),
                        Boolean.parseBoolean(settings.getOrDefault("mfaRequired", "false")) ? "required" : "-",
                        conditions.isEmpty() ? "(none)" : conditions);
            } else {
                table.addRow().addContent(position++, policy.order(), policy.name(), policy.enabled() ? "yes" : "no",
                        settings.getOrDefault("action", "authenticate"), settings.getOrDefault("directory", "default"),
                        conditions.isEmpty() ? "(none)" : conditions);
            }
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
