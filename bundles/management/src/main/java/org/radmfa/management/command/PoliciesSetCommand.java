package org.radmfa.management.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import org.radmfa.api.admin.PolicySettings;
import org.radmfa.api.admin.UnknownDefinitionException;
import org.radmfa.management.command.completers.PolicyKindCompleter;
import org.radmfa.management.command.completers.PolicyNameCompleter;
import org.radmfa.management.command.completers.PolicySettingCompleter;

/** Changes settings of a policy: {@code key=value} sets, {@code -u key} removes; the rest stays. */
@Command(scope = "radmfa", name = "policies-set",
        description = "Changes a policy's settings: radmfa:policies-set <name> key=value ... [-u key]")
@Service
public class PoliciesSetCommand implements Action {

    @Reference
    PolicyAdmin admin;

    @Option(name = "-k", aliases = "--kind", description = "network (default) or crp")
    @Completion(PolicyKindCompleter.class)
    String kind = "network";

    @Option(name = "-o", aliases = "--order", description = "New processing order")
    Integer order;

    @Option(name = "-u", aliases = "--unset", multiValued = true, description = "A setting to remove (repeat)")
    List<String> unset = new ArrayList<>();

    @Argument(index = 0, name = "name", required = true, description = "The policy's name")
    @Completion(PolicyNameCompleter.class)
    String name;

    @Argument(index = 1, name = "settings", multiValued = true, description = "key=value settings to set")
    @Completion(PolicySettingCompleter.class)
    List<String> settings = new ArrayList<>();

    @Override
    public Object execute() throws Exception {
        PolicyKind policyKind = PolicyKinds.parse(kind);
        PolicySettings old = admin.policy(policyKind, name).orElseThrow(() -> new UnknownDefinitionException(
                PolicyKinds.describe(policyKind), name)).settings();
        Map<String, String> changed = new LinkedHashMap<>(old.settings());
        unset.forEach(changed::remove);
        changed.putAll(PolicyKinds.settings(settings));
        PolicyEntry result = admin.put(new PolicySettings(policyKind, old.name(), order == null ? old.order() : order,
                old.enabled(), changed));
        System.out.println(PolicyKinds.describe(policyKind) + " '" + result.settings().name() + "' changed in "
                + result.source());
        return null;
    }
}
