package org.radmfa.npsimport.internal;

import java.util.List;
import java.util.Set;

import org.radmfa.api.admin.PolicyKind;

/**
 * A connection request policy: conditions and order from {@code Proxy_Policies/<name>}, what happens to the
 * request from {@code Proxy_Profiles/<name>} ({@code msAuthProviderType}: 0 accept without authentication,
 * 1 authenticate here, 2 forward to the server group {@code msAuthProviderName}).
 */
final class ConnectionPolicyTranslator {
    private static final Set<String> HANDLED = Set.of("msAuthProviderType", "msAuthProviderName",
            "msAcctProviderType", "msAcctProviderName", "msManipulationRule", "msManipulationTarget",
            "msOverrideRAPAuth", "Opaque_Data", "Template_Guid", "IP_Filter_Template_Guid");
    /** {@code msManipulationTarget} of User-Name (RADIUS attribute 1). */
    private static final long USER_NAME = 1;

    private final ConditionTranslator conditions;
    private final String prefix;

    ConnectionPolicyTranslator(ConditionTranslator conditions, String prefix) {
        this.conditions = conditions;
        this.prefix = prefix;
    }

    PolicyDraft translate(NpsExport.Policy policy, ImportReport report) throws NpsFormatException {
        NpsObject crp = policy.conditions();
        NpsObject profile = policy.profile();
        ImportReport.Entry entry = report.add(ImportReport.Kind.CONNECTION_REQUEST_POLICY, policy.name(),
                ImportReport.Outcome.IMPORTED).named(prefix + policy.name());
        boolean enabled = crp.bool("Policy_Enabled").orElse(true);
        PolicyDraft draft = new PolicyDraft(PolicyKind.CONNECTION_REQUEST, prefix + policy.name(),
                Math.toIntExact(crp.number("msNPSequence").orElseThrow()), enabled, entry);
        if (!enabled) {
            entry.info("Policy_Enabled", "disabled in NPS, imported disabled");
        }
        conditions.translate(crp.properties().getOrDefault("msNPConstraint", List.of()), draft);
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
                draft.set("serverGroup", group);
                entry.info("msAuthProviderType 2", "forwards to remote RADIUS server group '" + group + "':"
                        + " forwarding is not in this version, so matching requests are rejected with"
                        + " FORWARDING_UNAVAILABLE. The policy stays enabled so that they are not handled by a"
                        + " later policy instead, which NPS would not have done");
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
        profile.number("msAcctProviderType").filter(t -> t == 2).ifPresent(t -> entry.dropped("msAcctProviderType",
                "accounting forwarded to a remote server group in NPS; the appliance records it itself"));
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
        return draft;
    }

    /**
     * Attribute manipulation: {@code msManipulationTarget} names the attribute, {@code msManipulationRule} holds
     * find and replace, alternately. The appliance rewrites User-Name with one rule.
     */
    private static void rewrite(NpsObject profile, PolicyDraft draft) throws NpsFormatException {
        List<String> rules = profile.strings("msManipulationRule");
        if (rules.isEmpty()) {
            return;
        }
        long target = profile.number("msManipulationTarget").orElse(USER_NAME);
        if (target != USER_NAME) {
            draft.dropCondition("msManipulationRule", "rewrites RADIUS attribute " + target
                    + "; the appliance rewrites User-Name only");
        } else if (rules.size() != 2) {
            draft.dropCondition("msManipulationRule", (rules.size() / 2) + " find/replace rules; the appliance"
                    + " applies one");
        } else {
            draft.set("rewrite.pattern", rules.get(0));
            draft.set("rewrite.replacement", rules.get(1));
            draft.entry.translated("msManipulationRule", "User-Name find '" + rules.get(0) + "' replace '"
                    + rules.get(1) + "' as a Java regular expression ($1 for groups, as in NPS)");
        }
    }
}
