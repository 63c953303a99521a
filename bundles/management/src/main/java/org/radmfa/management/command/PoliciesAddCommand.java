package org.radmfa.management.command;

import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;
import org.radmfa.management.command.completers.PolicyKindCompleter;
import org.radmfa.management.command.completers.PolicySettingCompleter;

/**
 * Adds a policy from {@code key=value} settings, as they would stand in its file. Without an order it goes last
 * before NPS's default policies (orders 999998 and up), as a new policy does in the NPS console.
 */
@Command(scope = "radmfa", name = "policies-add",
        description = "Adds a policy: radmfa:policies-add [-o order] <name> access=grant condition.userGroups=vpn ...")
@Service
public class PoliciesAddCommand implements Action {
    /** NPS's default policies sit at the very end; new ones go before them. */
    static final int DEFAULTS_FROM = 999998;

    @Reference
    PolicyAdmin admin;

    @Option(name = "-k", aliases = "--kind", description = "network (default) or crp")
    @Completion(PolicyKindCompleter.class)
    String kind = "network";

    @Option(name = "-o", aliases = "--order", description = "Processing order (lower first); default: last before"
            + " the NPS defaults")
    Integer order;

    @Option(name = "--disabled", description = "Add the policy disabled")
    boolean disabled;

    @Argument(index = 0, name = "name", required = true, description = "The policy's name")
    String name;

    @Argument(index = 1, name = "settings", multiValued = true,
            description = "key=value settings: access, mfaRequired, condition.*, constraint.*, reply.*, action, ...")
    @Completion(PolicySettingCompleter.class)
    List<String> settings = new ArrayList<>();

    @Override
    public Object execute() throws Exception {
        PolicyKind policyKind = PolicyKinds.parse(kind);
        if (admin.policy(policyKind, name).isPresent()) {
            throw new InvalidDefinitionException("name", PolicyKinds.describe(policyKind) + " '" + name
                    + "' exists; change it with policies-set");
        }
        int at = order != null ? order : nextOrder(admin.policies(policyKind));
        PolicyEntry added = admin.put(new PolicySettings(policyKind, name, at, !disabled,
                PolicyKinds.settings(settings)));
        System.out.println(PolicyKinds.describe(policyKind) + " '" + added.settings().name() + "' (order "
                + added.settings().order() + ") stored in " + added.source());
        return null;
    }

    private static int nextOrder(List<PolicyEntry> policies) {
        int last = 0;
        for (PolicyEntry policy : policies) {
            if (policy.settings().order() < DEFAULTS_FROM) {
                last = Math.max(last, policy.settings().order());
            }
        }
        return last + 10 < DEFAULTS_FROM ? last + 10 : last + 1;
    }
}
