package org.radmfa.npsimport.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;

/**
 * A policy being translated: its settings so far and whether it must be imported disabled (with the reasons), so
 * that a policy whose meaning could not be carried over whole never matches more, or fewer, requests than in NPS.
 */
final class PolicyDraft {
    final PolicyKind kind;
    final String name;
    final int order;
    final ImportReport.Entry entry;
    private final boolean enabledInNps;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<String> disabledBecause = new ArrayList<>();

    PolicyDraft(PolicyKind kind, String name, int order, boolean enabledInNps, ImportReport.Entry entry) {
        this.kind = kind;
        this.name = name;
        this.order = order;
        this.enabledInNps = enabledInNps;
        this.entry = entry;
    }

    void set(String key, String value) {
        settings.put(key, value);
    }

    String get(String key) {
        return settings.get(key);
    }

    boolean has(String key) {
        return settings.containsKey(key);
    }

    void remove(String key) {
        settings.remove(key);
    }

    /** Removes a key and its further values ({@code key.2}, {@code key.3}, ...). */
    void removeWithValues(String key) {
        settings.keySet().removeIf(k -> k.equals(key) || k.matches(java.util.regex.Pattern.quote(key) + "\\.\\d+"));
    }

    void removeWithPrefix(String prefix) {
        settings.keySet().removeIf(k -> k.startsWith(prefix));
    }

    /** Whether the policy may grant access: it grants, or leaves it to user accounts' dial-in permission. */
    boolean isGrant() {
        return !"deny".equals(settings.get("access"));
    }

    /** A condition that could not be carried over: without it the policy would match other requests. */
    void dropCondition(String property, String why) {
        entry.dropped(property, why);
        disable(property + " could not be carried over");
    }

    /** A reply setting lost: matters for a granting policy only (a reject carries no settings). */
    void dropSetting(String property, String why) {
        entry.dropped(property, why);
        if (kind == PolicyKind.NETWORK && isGrant()) {
            disable(property + " could not be carried over, and the policy grants access");
        }
    }

    void disable(String reason) {
        disabledBecause.add(reason);
    }

    boolean enabled() {
        return enabledInNps && disabledBecause.isEmpty();
    }

    List<String> disabledBecause() {
        return List.copyOf(disabledBecause);
    }

    PolicySettings settings() {
        return new PolicySettings(kind, name, order, enabled(), settings);
    }
}
