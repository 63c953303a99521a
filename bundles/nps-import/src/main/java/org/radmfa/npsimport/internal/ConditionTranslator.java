package org.radmfa.npsimport.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.radmfa.api.AuthMethod;
import org.radmfa.api.admin.PolicyKind;

/**
 * NPS policy conditions ({@code msNPConstraint}) as the appliance's {@code condition.*} settings. A condition with
 * no counterpart is dropped and the policy imported disabled, never silently widened or narrowed.
 */
final class ConditionTranslator {
    /** Request attributes NPS matches by regular expression and the policy engine can match as they are. */
    private static final Set<String> PLAIN_ATTRIBUTES = Set.of("Called-Station-Id", "Calling-Station-Id",
            "NAS-Identifier", "NAS-IP-Address", "NAS-IPv6-Address", "MS-RAS-Vendor", "NAS-Port", "Connect-Info",
            "Tunnel-Client-Endpoint", "Tunnel-Server-Endpoint", "Framed-IP-Address");
    private static final String[] DAYS = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    private static final Pattern ANCHORED_NUMBER = Pattern.compile("\\^?(\\d+)\\$?");
    private static final Pattern TIME_RANGE = Pattern.compile("\\d{1,2}:\\d{2}-\\d{1,2}:\\d{2}");
    private static final Pattern LITERAL_ADDRESS = Pattern.compile("\\^?((?:\\d{1,3}\\\\?\\.){3}\\d{1,3})\\$?");

    private final GroupMap groups;

    ConditionTranslator(GroupMap groups) {
        this.groups = groups;
    }

    /**
     * @param conditions the policy's {@code msNPConstraint} elements
     * @throws NpsFormatException when a condition does not follow NPS's grammar: the export is damaged
     */
    void translate(List<XmlElement> conditions, PolicyDraft draft) throws NpsFormatException {
        Map<String, List<String>> patterns = new LinkedHashMap<>();
        List<String> groupConditions = new ArrayList<>();
        for (XmlElement element : conditions) {
            NpsCondition condition;
            try {
                condition = NpsCondition.parse(element.text());
            } catch (IllegalArgumentException e) {
                throw new NpsFormatException(element.path(), e.getMessage());
            }
            String property = "msNPConstraint " + condition.text();
            switch (condition.function()) {
                case "MATCH" -> {
                    for (String argument : condition.arguments()) {
                        int equals = argument.indexOf('=');
                        if (equals <= 0) {
                            throw new NpsFormatException(element.path(), "MATCH argument '" + argument
                                    + "' is not <attribute>=<pattern>");
                        }
                        patterns.computeIfAbsent(argument.substring(0, equals).strip(), k -> new ArrayList<>())
                                .add(argument.substring(equals + 1));
                    }
                }
                case "NTGROUPS", "USERNTGROUPS" -> {
                    if (draft.kind == PolicyKind.CONNECTION_REQUEST) {
                        draft.dropCondition(property, "groups are not known before authentication; the appliance"
                                + " has no group condition in connection request policies");
                    } else {
                        // Each NPS group condition must hold (AND); within one, any group (OR): the first is
                        // condition.userGroups, the next condition.userGroups.2, ...
                        groupConditions.add(property);
                        groups(condition, property, draft, groupConditions.size() == 1 ? "condition.userGroups"
                                : "condition.userGroups." + groupConditions.size());
                    }
                }
                case "TIMEOFDAY" -> dayAndTime(condition, property, draft);
                case "AUTHTYPE" -> authTypes(condition, property, draft);
                case "MACHINENTGROUPS" -> draft.dropCondition(property,
                        "machine groups: the appliance does not authenticate computers");
                default -> draft.dropCondition(property, "the policy engine has no " + condition.function()
                        + " condition");
            }
        }
        patterns.forEach((attribute, values) -> match(attribute, values, draft));
    }

    /**
     * A policy's "type of network access server" ({@code Policy_SourceTag}, non-zero: a particular type): NPS applies
     * the policy only to requests from that type, and the appliance has no such condition, so the policy would match
     * every request: it is disabled, for the administrator to add a condition.
     */
    static void sourceTag(NpsObject policy, PolicyDraft draft) throws NpsFormatException {
        long sourceTag = policy.number("Policy_SourceTag").orElse(0L);
        if (sourceTag != 0) {
            draft.dropCondition("Policy_SourceTag " + sourceTag, "NPS applies the policy only to requests from"
                    + " that type of network access server; the appliance has no such condition (add one on"
                    + " MS-RAS-Vendor or NAS-Port-Type and enable the policy)");
        }
    }

    private void groups(NpsCondition condition, String property, PolicyDraft draft, String key) {
        List<String> names = new ArrayList<>();
        List<String> unresolved = new ArrayList<>();
        List<String> unlisted = new ArrayList<>();
        java.util.Set<String> sources = new java.util.LinkedHashSet<>();
        for (String argument : condition.arguments()) {
            for (String sid : argument.split(";")) {
                if (sid.isBlank()) {
                    continue;
                }
                groups.resolve(sid).ifPresentOrElse(resolution -> {
                    if (resolution.name().indexOf(',') >= 0) {
                        // A policy's group list is comma-separated: "VPN, Contractors" would become two groups.
                        unlisted.add("'" + resolution.name() + "' (" + sid.strip() + ")");
                        names.add(sid.strip());
                    } else {
                        names.add(resolution.name());
                        sources.add(resolution.source());
                    }
                }, () -> {
                    unresolved.add(sid.strip());
                    names.add(sid.strip());
                });
            }
        }
        draft.set(key, String.join(", ", names));
        if (!unlisted.isEmpty()) {
            draft.entry.dropped(property, "group " + String.join(", ", unlisted) + " has a comma in its name, which a"
                    + " policy's group list cannot hold (rename the group); the SID stands in the condition");
            draft.disable("group " + String.join(", ", unlisted) + " has a comma in its name");
        } else if (unresolved.isEmpty()) {
            draft.entry.translated(property, "groups by name: " + String.join(", ", names) + " (from "
                    + String.join(" and ", sources) + ")");
        } else {
            draft.entry.dropped(property, "SID " + String.join(", ", unresolved) + " not resolved to a group name"
                    + " (neither the group map nor a directory knows it: add it to the --group-map file and import"
                    + " again); the SID stands in the condition");
            draft.disable("group SID " + String.join(", ", unresolved) + " is not resolved");
        }
    }

    /** {@code TIMEOFDAY("0 00:00-24:00; 1 08:00-17:00")}, 0 = Sunday, as {@code Sun 00:00-24:00; Mon 08:00-17:00}. */
    private static void dayAndTime(NpsCondition condition, String property, PolicyDraft draft) {
        try {
            draft.set("condition.dayAndTime", weeklyHours(String.join(";", condition.arguments())));
        } catch (IllegalArgumentException e) {
            draft.dropCondition(property, e.getMessage());
        }
    }

    /**
     * NPS's weekly hours ({@code 0 00:00-24:00; 1 08:00-17:00}, days 0-6 from Sunday, several days or ranges in one
     * entry allowed) in the appliance's notation.
     *
     * @throws IllegalArgumentException naming the entry that does not read
     */
    static String weeklyHours(String nps) {
        List<String> entries = new ArrayList<>();
        for (String part : nps.split(";")) {
            String trimmed = part.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            List<String> days = new ArrayList<>();
            List<String> ranges = new ArrayList<>();
            for (String token : trimmed.split("\\s+")) {
                if (token.matches("[0-6]")) {
                    days.add(DAYS[Integer.parseInt(token)]);
                } else if (TIME_RANGE.matcher(token).matches()) {
                    ranges.add(token);
                } else {
                    throw new IllegalArgumentException("'" + trimmed + "' is not '<day 0-6> <HH:MM>-<HH:MM>'");
                }
            }
            if (days.isEmpty() || ranges.isEmpty()) {
                throw new IllegalArgumentException("'" + trimmed + "' names no day or no hours");
            }
            for (String day : days) {
                for (String range : ranges) {
                    entries.add(day + " " + range);
                }
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("'" + nps + "' allows no time at all");
        }
        return String.join("; ", entries);
    }

    private static void authTypes(NpsCondition condition, String property, PolicyDraft draft) {
        List<Long> types = new ArrayList<>();
        for (String argument : condition.arguments()) {
            for (String alternative : argument.split("\\|")) {
                Matcher number = ANCHORED_NUMBER.matcher(alternative.strip());
                if (!number.matches()) {
                    draft.dropCondition(property, "'" + alternative + "' is not an authentication type number");
                    return;
                }
                types.add(Long.parseLong(number.group(1)));
            }
        }
        // AUTHTYPE names EAP without its types: any EAP method spoken here.
        AuthenticationTypes.Mapping mapping = AuthenticationTypes.map(types, List.of(26, 25, 13));
        if (!mapping.dropped().isEmpty()) {
            draft.dropCondition(property, "methods without a counterpart: " + String.join("; ", mapping.dropped()));
            return;
        }
        Set<AuthMethod> methods = mapping.allowed();
        draft.set("condition.authMethods", methods.stream().map(Enum::name).collect(Collectors.joining(", ")));
        if (methods.contains(AuthMethod.EAP_MSCHAPV2)) {
            draft.entry.translated(property, "EAP is taken as EAP-MSCHAPv2, PEAP or EAP-TLS, the EAP methods spoken"
                    + " here");
        }
    }

    private static void match(String attribute, List<String> values, PolicyDraft draft) {
        String property = "msNPConstraint MATCH(\"" + attribute + "=...\")";
        if (values.size() > 1) {
            draft.dropCondition(property, values.size() + " conditions on " + attribute
                    + " (NPS requires all; the appliance takes one pattern per attribute)");
            return;
        }
        String pattern = values.get(0);
        switch (attribute) {
            case "User-Name" -> draft.set("condition.userName", pattern);
            case "Client-Friendly-Name" -> draft.set("condition.clientName", pattern);
            case "Client-IP-Address" -> clientAddress(pattern, property, draft);
            default -> {
                if (AttributeValues.isEnumerated(attribute)) {
                    enumerated(attribute, pattern, property, draft);
                } else if (PLAIN_ATTRIBUTES.contains(attribute)) {
                    draft.set("condition." + attribute, pattern);
                } else {
                    draft.dropCondition(property, "the policy engine does not match " + attribute);
                }
            }
        }
    }

    /** NPS matches the client's address by pattern; the appliance by address or subnet: literal addresses only. */
    private static void clientAddress(String pattern, String property, PolicyDraft draft) {
        List<String> addresses = new ArrayList<>();
        for (String alternative : pattern.split("\\|")) {
            Matcher literal = LITERAL_ADDRESS.matcher(alternative.strip());
            if (!literal.matches() || !alternative.strip().startsWith("^") || !alternative.strip().endsWith("$")) {
                draft.dropCondition(property, "'" + pattern + "' is a pattern, and the appliance matches client"
                        + " addresses by address or subnet; only ^a\\.b\\.c\\.d$ alternatives are carried over");
                return;
            }
            addresses.add(literal.group(1).replace("\\", ""));
        }
        draft.set("condition.clientAddress", String.join(", ", addresses));
    }

    /** NPS writes enumerated values as numbers ({@code ^19$|^18$}); the engine sees their names. */
    private static void enumerated(String attribute, String pattern, String property, PolicyDraft draft) {
        List<String> names = new ArrayList<>();
        for (String alternative : pattern.split("\\|")) {
            String trimmed = alternative.strip();
            Matcher number = ANCHORED_NUMBER.matcher(trimmed);
            if (!number.matches() || !trimmed.startsWith("^") || !trimmed.endsWith("$")) {
                draft.dropCondition(property, "'" + pattern + "' is not a list of ^number$ alternatives, so it"
                        + " cannot be turned into the value names the engine matches");
                return;
            }
            names.add(AttributeValues.nameOrNumber(attribute, Long.parseLong(number.group(1))).replace(".", "\\."));
        }
        draft.set("condition." + attribute, "^(" + String.join("|", names) + ")$");
        draft.entry.translated(property, "'" + pattern + "' as value names: ^(" + String.join("|", names) + ")$");
    }
}
