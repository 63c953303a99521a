package org.radmfa.webconsole.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;

/**
 * The policy form's fields and a policy's settings, both ways. A policy is plain configuration data (every key of its
 * file is a setting); the form groups the keys as an administrator thinks of them: the main choices as fields,
 * conditions, constraints and reply attributes as {@code key = value} lines without their prefix, and the rest as
 * whole keys, so that editing a policy never loses a key the form has no field for. Whether the values are valid is
 * the admin service's to say, with the same messages as for the files.
 */
final class PolicyForm {

    /**
     * Single-value fields of each kind: form field name to setting key (the connection request policy's
     * {@code action} has another field name, since the form's own {@code action} says what to do with the form).
     */
    static final Map<String, String> NETWORK_FIELDS = ordered("access", "access", "ignoreUserDialIn",
            "ignoreUserDialIn", "mfaRequired", "mfaRequired", "mfaExemptGroups", "mfaExemptGroups");
    /** Check boxes: unticked, the browser sends nothing, which means false. */
    private static final java.util.Set<String> CHECK_BOXES = java.util.Set.of("ignoreUserDialIn", "mfaRequired");
    static final Map<String, String> CONNECTION_FIELDS = ordered("crpAction", "action", "directory", "directory",
            "serverGroup", "serverGroup");

    /** Line groups: form field name, and the prefix its keys get in the settings. */
    static final Map<String, String> GROUPS = Map.of(
            "conditions", "condition.",
            "constraints", "constraint.",
            "replies", "reply.");

    private PolicyForm() {
    }

    static Map<String, String> fieldsOf(PolicyKind kind) {
        return kind == PolicyKind.NETWORK ? NETWORK_FIELDS : CONNECTION_FIELDS;
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    /**
     * The settings the form describes.
     *
     * @param order the processing order to use when the form leaves it empty
     * @throws IllegalArgumentException for a line that is not {@code key = value}, or a key given twice
     */
    static PolicySettings settings(PolicyKind kind, Function<String, String> field, int order) {
        String name = trimmed(field.apply("name"));
        if (name == null) {
            throw new IllegalArgumentException("field 'name' is required");
        }
        String orderText = trimmed(field.apply("order"));
        int processingOrder = order;
        if (orderText != null) {
            try {
                processingOrder = Integer.parseInt(orderText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("field 'order': not a whole number: " + orderText);
            }
        }
        Map<String, String> settings = new TreeMap<>();
        for (Map.Entry<String, String> single : fieldsOf(kind).entrySet()) {
            String key = single.getValue();
            String value = trimmed(field.apply(single.getKey()));
            if (CHECK_BOXES.contains(key)) {
                value = String.valueOf(value != null && (value.equals("true") || value.equals("on")));
            }
            if (value != null) {
                settings.put(key, value);
            }
        }
        for (Map.Entry<String, String> group : GROUPS.entrySet()) {
            lines(group.getKey(), group.getValue(), field.apply(group.getKey()), settings);
        }
        lines("other", "", field.apply("other"), settings);
        return new PolicySettings(kind, name, processingOrder, "true".equals(field.apply("enabled"))
                || "on".equals(field.apply("enabled")), settings);
    }

    /** The form's field values for a stored policy: what the Edit button fills in. */
    static Map<String, String> fields(PolicySettings policy) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", policy.name());
        fields.put("order", String.valueOf(policy.order()));
        fields.put("enabled", String.valueOf(policy.enabled()));
        Map<String, StringBuilder> groups = new TreeMap<>();
        Map<String, String> single = fieldsOf(policy.kind());
        policy.settings().forEach((key, value) -> {
            for (Map.Entry<String, String> candidate : single.entrySet()) {
                if (candidate.getValue().equals(key)) {
                    fields.put(candidate.getKey(), value);
                    return;
                }
            }
            String group = "other";
            String shortKey = key;
            for (Map.Entry<String, String> candidate : GROUPS.entrySet()) {
                if (key.startsWith(candidate.getValue())) {
                    group = candidate.getKey();
                    shortKey = key.substring(candidate.getValue().length());
                }
            }
            groups.computeIfAbsent(group, g -> new StringBuilder()).append(shortKey).append(" = ").append(value)
                    .append('\n');
        });
        for (String group : List.of("conditions", "constraints", "replies", "other")) {
            fields.put(group, groups.getOrDefault(group, new StringBuilder()).toString());
        }
        return fields;
    }

    private static void lines(String field, String prefix, String text, Map<String, String> settings) {
        if (text == null) {
            return;
        }
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("field '" + field + "', line " + (i + 1)
                        + ": expected 'key = value': " + line);
            }
            String key = prefix + line.substring(0, equals).strip();
            if (settings.putIfAbsent(key, line.substring(equals + 1).strip()) != null) {
                throw new IllegalArgumentException("field '" + field + "', line " + (i + 1) + ": key '" + key
                        + "' given twice");
            }
        }
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
