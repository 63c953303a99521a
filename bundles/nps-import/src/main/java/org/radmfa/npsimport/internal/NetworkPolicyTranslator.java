package org.radmfa.npsimport.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.Set;
import java.util.stream.Collectors;

import org.radmfa.api.admin.PolicyKind;

/**
 * A network policy: conditions, order and enabled flag from {@code NetworkPolicy/<name>}, access, authentication
 * methods, constraints and reply attributes from {@code RadiusProfiles/<name>}.
 */
final class NetworkPolicyTranslator extends NpsTranslator<NpsExport.Policy, PolicyDraft> {
    /** Profile properties read elsewhere, or bookkeeping without meaning for the decision. */
    private static final Set<String> HANDLED = Set.of("msNPAllowDialin", "msNPAuthenticationType2",
            "msNPAllowedEapType", "msIgnoreUserDialinProperties", "msRADIUSServiceType", "msRADIUSFramedProtocol",
            "msRADIUSSessionTimeout", "msRADIUSIdleTimeout", "msRADIUSFramedIPAddress", "msRADIUSClass",
            "msRADIUSFilterId", "msRADIUSReplyMessage", "msRADIUSAnyVSA", "msCiscoAV", "msRASMPPEEncryptionPolicy",
            "msRASMPPEEncryptionType", "msRADIUSTunnelType", "msRADIUSTunnelMediumType",
            "msRADIUSTunnelPrivateGroupId", "msNPTimeOfDay", "msEAPConfiguration", "Opaque_Data", "Template_Guid",
            "IP_Filter_Template_Guid");
    private static final String ZERO_GUID = "{00000000-0000-0000-0000-000000000000}";
    /** Simple reply attributes: NPS property, reply attribute, whether the value is an enumerated number. */
    private static final Map<String, String> REPLY = Map.of("msRADIUSServiceType", "Service-Type",
            "msRADIUSFramedProtocol", "Framed-Protocol", "msRADIUSClass", "Class", "msRADIUSFilterId", "Filter-Id",
            "msRADIUSReplyMessage", "Reply-Message", "msRADIUSTunnelType", "Tunnel-Type",
            "msRADIUSTunnelMediumType", "Tunnel-Medium-Type", "msRADIUSTunnelPrivateGroupId",
            "Tunnel-Private-Group-Id", "msRASMPPEEncryptionPolicy", "MS-MPPE-Encryption-Policy",
            "msRASMPPEEncryptionType", "MS-MPPE-Encryption-Types");

    private final ConditionTranslator conditions;

    NetworkPolicyTranslator(ConditionTranslator conditions, String prefix) {
        super(ImportReport.Kind.NETWORK_POLICY, prefix);
        this.conditions = conditions;
    }

    @Override
    void translate(NpsExport.Policy policy, ImportReport report, Consumer<PolicyDraft> planned)
            throws NpsFormatException {
        NpsObject np = policy.conditions();
        NpsObject profile = policy.profile();
        ImportReport.Entry entry = entry(report, policy.name());
        boolean enabled = np.bool("Policy_Enabled").orElse(true);
        PolicyDraft draft = new PolicyDraft(PolicyKind.NETWORK, prefix + policy.name(),
                Math.toIntExact(np.number("msNPSequence").orElseThrow()), enabled, entry);
        if (!enabled) {
            entry.info("Policy_Enabled", "disabled in NPS, imported disabled");
        }
        access(profile, draft);
        conditions.translate(np.properties().getOrDefault("msNPConstraint", List.of()), draft);
        ConditionTranslator.sourceTag(np, draft);
        authMethods(profile, draft);
        replies(profile, draft);
        for (String property : profile.properties().keySet()) {
            if (!HANDLED.contains(property)) {
                unknown(property, profile, draft);
            }
        }
        String filterTemplate = profile.string("IP_Filter_Template_Guid").orElse(ZERO_GUID);
        if (!filterTemplate.equals(ZERO_GUID)) {
            draft.dropSetting("IP_Filter_Template_Guid", "IP filters (templates) are RRAS settings the appliance"
                    + " does not send");
        }
        profile.string("msEAPConfiguration").ifPresent(v -> entry.info("msEAPConfiguration", "EAP method settings"
                + " (PEAP certificate, inner methods) are not carried over"));
        planned.accept(draft);
    }

    private static void access(NpsObject profile, PolicyDraft draft) throws NpsFormatException {
        var allow = profile.bool("msNPAllowDialin");
        boolean ignore = profile.bool("msIgnoreUserDialinProperties").orElse(false);
        draft.set("ignoreUserDialIn", Boolean.toString(ignore));
        if (allow.isEmpty()) {
            if (ignore) {
                draft.set("ignoreUserDialIn", "false");
                draft.set("access", "deny");
                draft.entry.dropped("msNPAllowDialin", "absent, which leaves access to user accounts' dial-in"
                        + " permission, while msIgnoreUserDialinProperties ignores it: imported as deny");
                draft.disable("the policy neither grants nor denies, and ignores the user accounts that would");
                return;
            }
            draft.set("access", "dialin");
            draft.entry.translated("msNPAllowDialin", "absent: each user account's dial-in permission decides"
                    + " (access = dialin: Allow access grants, Deny or Control through policy denies)");
            return;
        }
        draft.set("access", allow.get() ? "grant" : "deny");
        if (!ignore) {
            draft.entry.translated("msIgnoreUserDialinProperties", "not set: user accounts' dial-in properties apply"
                    + " (ignoreUserDialIn = false): Deny access rejects, Verify Caller-ID, static IP address and"
                    + " routes are honoured");
        }
    }

    private static void authMethods(NpsObject profile, PolicyDraft draft) throws NpsFormatException {
        List<Long> types = profile.numbers("msNPAuthenticationType2");
        if (types.isEmpty()) {
            return;
        }
        List<Integer> eapTypes = new ArrayList<>();
        for (String value : profile.strings("msNPAllowedEapType")) {
            try {
                eapTypes.add(AuthenticationTypes.eapType(value));
            } catch (IllegalArgumentException e) {
                throw new NpsFormatException(profile.path() + "/Properties/msNPAllowedEapType", e.getMessage());
            }
        }
        AuthenticationTypes.Mapping mapping = AuthenticationTypes.map(types, eapTypes);
        mapping.dropped().forEach(d -> draft.entry.dropped("msNPAuthenticationType2", d));
        mapping.notes().forEach(n -> draft.entry.info("msNPAuthenticationType2", n));
        if (mapping.allowed().isEmpty()) {
            if (draft.isGrant()) {
                draft.disable("none of its authentication methods is spoken here");
            }
            return;
        }
        draft.set("constraint.authMethods", mapping.allowed().stream().map(Enum::name)
                .collect(Collectors.joining(", ")));
    }

    private static void replies(NpsObject profile, PolicyDraft draft) throws NpsFormatException {
        for (Map.Entry<String, String> reply : REPLY.entrySet()) {
            List<String> values = profile.strings(reply.getKey());
            if (values.isEmpty()) {
                continue;
            }
            String attribute = reply.getValue();
            List<String> named = new ArrayList<>();
            for (String value : values) {
                named.add(AttributeValues.isEnumerated(attribute) && value.matches("\\d+")
                        ? AttributeValues.nameOrNumber(attribute, Long.parseLong(value)) : value);
            }
            replies(draft, "reply." + attribute, named);
        }
        profile.number("msRADIUSSessionTimeout").ifPresent(s -> draft.set("constraint.sessionTimeout",
                String.valueOf(s)));
        profile.number("msRADIUSIdleTimeout").ifPresent(s -> draft.set("constraint.idleTimeout", String.valueOf(s)));
        var hours = profile.string("msNPTimeOfDay");
        if (hours.isPresent()) {
            try {
                draft.set("constraint.dayAndTime", ConditionTranslator.weeklyHours(hours.get()));
            } catch (IllegalArgumentException e) {
                draft.entry.dropped("msNPTimeOfDay", e.getMessage());
                draft.disable("its day and time constraint could not be carried over");
            }
        }
        List<String> addresses = profile.strings("msRADIUSFramedIPAddress");
        if (!addresses.isEmpty()) {
            // One address per session: a second value would be a second Framed-IP-Address, which no NAS takes.
            draft.set("reply.Framed-IP-Address", ipv4(addresses.get(0)));
            if (addresses.size() > 1) {
                draft.dropSetting("msRADIUSFramedIPAddress", (addresses.size() - 1) + " more value(s): a session"
                        + " has one framed address");
            }
        }
        for (String vsa : profile.strings("msRADIUSAnyVSA")) {
            try {
                VendorSpecificAttribute attribute = VendorSpecificAttribute.parse(vsa);
                draft.set(nextKey(draft, attribute.replyKey()), attribute.value());
            } catch (IllegalArgumentException e) {
                draft.dropSetting("msRADIUSAnyVSA", e.getMessage());
            }
        }
        for (String pair : profile.strings("msCiscoAV")) {
            draft.set(nextKey(draft, "reply.Cisco-AVPair"), pair);
        }
    }

    /** Every value of a repeated profile property, in the export's order: {@code reply.X}, {@code reply.X.2}, ... */
    private static void replies(PolicyDraft draft, String key, List<String> values) {
        for (String value : values) {
            draft.set(nextKey(draft, key), value);
        }
    }

    /** The key of the attribute's next value: the first is {@code reply.X}, the next {@code reply.X.2}, ... */
    static String nextKey(PolicyDraft draft, String key) {
        if (!draft.has(key)) {
            return key;
        }
        int position = 2;
        while (draft.has(key + "." + position)) {
            position++;
        }
        return key + "." + position;
    }

    /** NPS keeps a framed address as a 32-bit number; some exports write it dotted. */
    private static String ipv4(String value) {
        String trimmed = value.strip();
        if (!trimmed.matches("-?\\d+")) {
            return trimmed;
        }
        long number = Long.parseLong(trimmed) & 0xffffffffL;
        return ((number >> 24) & 0xff) + "." + ((number >> 16) & 0xff) + "." + ((number >> 8) & 0xff) + "."
                + (number & 0xff);
    }

    private static void unknown(String property, NpsObject profile, PolicyDraft draft) {
        String lower = property.toLowerCase(Locale.ROOT);
        if (profile.strings(property).stream().allMatch(String::isEmpty)) {
            // NPS writes some settings empty when unset (its dial-in policy's msRADIUSCallbackNumber): nothing lost.
            draft.entry.info(property, "empty: nothing to carry over");
        } else if (lower.startsWith("msrasbap") || lower.equals("msrasbaprequired")) {
            draft.entry.dropped(property, "multilink and bandwidth allocation (BAP) are RRAS settings");
        } else if (lower.contains("quarantine") || lower.contains("nap") || lower.contains("shv")
                || lower.contains("health") || lower.contains("remediation")) {
            draft.dropSetting(property, "Network Access Protection (NAP) is gone from Windows and has no"
                    + " counterpart here");
        } else if (lower.equals("msrasfilter") || lower.startsWith("msrasipv6filter")) {
            draft.dropSetting(property, "RRAS packet filters are not sent by the appliance");
        } else {
            draft.dropSetting(property, "a setting this importer does not carry over");
        }
    }
}
