package org.radmfa.npsimport.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.radmfa.api.admin.PolicyKind;

/**
 * A connection request policy: conditions and order from {@code Proxy_Policies/<name>}, what happens to the
 * request from {@code Proxy_Profiles/<name>} ({@code msAuthProviderType}: 0 accept without authentication,
 * 1 authenticate here, 2 forward to the server group {@code msAuthProviderName}).
 */
final class ConnectionPolicyTranslator extends NpsTranslator<NpsExport.Policy, PolicyDraft> {
    private static final Set<String> HANDLED = Set.of("msAuthProviderType", "msAuthProviderName",
            "msAcctProviderType", "msAcctProviderName", "msManipulationRule", "msManipulationTarget",
            "msOverrideRAPAuth", "Opaque_Data", "Template_Guid", "IP_Filter_Template_Guid");
    /** {@code msManipulationTarget} of User-Name (RADIUS attribute 1). */
    private static final long USER_NAME = 1;
    /** The attributes NPS's attribute manipulation rewrites, by RADIUS attribute number. */
    private static final Map<Long, String> REWRITABLE = Map.of(USER_NAME, "User-Name", 30L, "Called-Station-Id",
            31L, "Calling-Station-Id");

    private final ConditionTranslator conditions;

    ConnectionPolicyTranslator(ConditionTranslator conditions, String prefix) {
        super(ImportReport.Kind.CONNECTION_REQUEST_POLICY, prefix);
        this.conditions = conditions;
    }

    @Override
    void translate(NpsExport.Policy policy, ImportReport report, Consumer<PolicyDraft> planned)
            throws NpsFormatException {
        NpsObject crp = policy.conditions();
        NpsObject profile = policy.profile();
        ImportReport.Entry entry = entry(report, policy.name());
        boolean enabled = crp.bool("Policy_Enabled").orElse(true);
        PolicyDraft draft = new PolicyDraft(PolicyKind.CONNECTION_REQUEST, prefix + policy.name(),
                Math.toIntExact(crp.number("msNPSequence").orElseThrow()), enabled, entry);
        if (!enabled) {
            entry.info("Policy_Enabled", "disabled in NPS, imported disabled");
        }
        conditions.translate(crp.properties().getOrDefault("msNPConstraint", List.of()), draft);
        ConditionTranslator.sourceTag(crp, draft);
        long provider = profile.number("msAuthProviderType").orElse(1L);
        switch ((int) provider) {
            case 1 -> {
                draft.set("action", "authenticate");
                entry.translated("msAuthProviderType 1", "authenticated against the appliance's default directory"
                        + " (local users, or the LDAP/AD directory set as defaultDirectory), not by Windows");
            }
            case 2 -> {
                String group = profile.string("msAuthProviderName").orElse("").strip();
                if (group.isEmpty()) {
                    throw new NpsFormatException(profile.path(), "forwarding policy '" + policy.name()
                            + "' names no server group (msAuthProviderName)");
                }
                draft.set("action", "forward");
                draft.set("serverGroup", prefix + group);
                entry.info("msAuthProviderType 2", "forwards to remote RADIUS server group '" + prefix + group
                        + "' (its servers come from RADIUS_Server_Groups); decided by the remote server, without"
                        + " network policies or a second factor here, as in NPS");
            }
            case 0 -> {
                draft.set("action", "authenticate");
                entry.dropped("msAuthProviderType 0", "NPS accepted these requests without authentication; the"
                        + " appliance always authenticates");
                draft.disable("it accepted requests without authentication in NPS");
            }
            default -> {
                draft.set("action", "authenticate");
                draft.dropCondition("msAuthProviderType " + provider, "an authentication provider this importer"
                        + " does not know");
            }
        }
        accounting(profile, draft);
        rewrite(profile, draft);
        if (profile.bool("msOverrideRAPAuth").orElse(false)) {
            entry.dropped("msOverrideRAPAuth", "authentication methods set on the connection request policy;"
                    + " the network policies' methods apply");
        }
        for (String property : profile.properties().keySet()) {
            if (!HANDLED.contains(property) && !property.startsWith("msNPAuthenticationType")
                    && !property.startsWith("msNPAllowedEapType")) {
                draft.dropCondition(property, "a setting this importer does not carry over");
            }
        }
        planned.accept(draft);
    }

    /**
     * {@code msAcctProviderType} 2: NPS forwarded the policy's Accounting-Requests to its server group; anything
     * else: NPS recorded them itself. The appliance records them locally in both cases (its accounting sinks) and,
     * for a forwarding policy, forwards them too only when NPS did.
     */
    private static void accounting(NpsObject profile, PolicyDraft draft) throws NpsFormatException {
        boolean forwarded = profile.number("msAcctProviderType").filter(t -> t == 2).isPresent();
        if ("forward".equals(draft.get("action"))) {
            draft.set("forwardAccounting", String.valueOf(forwarded));
            draft.entry.info("msAcctProviderType", forwarded ? "accounting forwarded to the server group too"
                    + " (and recorded here)" : "accounting recorded here only, not forwarded, as in NPS");
        } else if (forwarded) {
            draft.entry.dropped("msAcctProviderType", "accounting forwarded to a remote server group while"
                    + " authentication is done here; the appliance records it itself");
        }
    }

    /**
     * Attribute manipulation: {@code msManipulationTarget} names the attribute (1 User-Name, 30 Called-Station-Id,
     * 31 Calling-Station-Id), {@code msManipulationRule} holds find and replace, alternately, rule after rule.
     */
    private static void rewrite(NpsObject profile, PolicyDraft draft) throws NpsFormatException {
        List<String> rules = profile.strings("msManipulationRule");
        if (rules.isEmpty()) {
            return;
        }
        List<Long> targets = profile.numbers("msManipulationTarget");
        long target = targets.isEmpty() ? USER_NAME : targets.get(0);
        String attribute = REWRITABLE.get(target);
        if (targets.size() > 1) {
            draft.dropCondition("msManipulationTarget", "rules for " + targets.size() + " attributes; the"
                    + " appliance rewrites one attribute per connection request policy");
        } else if (attribute == null) {
            draft.dropCondition("msManipulationRule", "rewrites RADIUS attribute " + target + "; the appliance"
                    + " rewrites User-Name, Called-Station-Id and Calling-Station-Id");
        } else if (rules.size() % 2 != 0) {
            draft.dropCondition("msManipulationRule", rules.size() + " values: find and replace come in pairs");
        } else {
            if (target != USER_NAME) {
                draft.set("rewrite.attribute", attribute);
            }
            for (int i = 0; i < rules.size(); i += 2) {
                String suffix = i == 0 ? "" : "." + (i / 2 + 1);
                draft.set("rewrite.pattern" + suffix, rules.get(i));
                draft.set("rewrite.replacement" + suffix, rules.get(i + 1));
                draft.entry.translated("msManipulationRule", attribute + " find '" + rules.get(i) + "' replace '"
                        + rules.get(i + 1) + "' as an RE2 regular expression ($1 for groups, as in NPS); the first"
                        + " match is replaced");
            }
        }
    }
}
