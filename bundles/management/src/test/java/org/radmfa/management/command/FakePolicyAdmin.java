package org.radmfa.management.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;
import org.radmfa.api.admin.UnknownDefinitionException;

/** Policies kept in memory, in processing order, with the refusals the commands must report. */
final class FakePolicyAdmin implements PolicyAdmin {
    private final Map<PolicyKind, Map<String, PolicySettings>> policies = new EnumMap<>(PolicyKind.class);

    FakePolicyAdmin() {
        for (PolicyKind kind : PolicyKind.values()) {
            policies.put(kind, new LinkedHashMap<>());
        }
    }

    @Override
    public List<PolicyEntry> policies(PolicyKind kind) {
        List<PolicyEntry> entries = new ArrayList<>();
        policies.get(kind).values().stream().sorted(Comparator.comparingInt(PolicySettings::order))
                .forEach(policy -> entries.add(entry(policy)));
        return entries;
    }

    @Override
    public Optional<PolicyEntry> policy(PolicyKind kind, String name) {
        return Optional.ofNullable(policies.get(kind).get(key(name))).map(FakePolicyAdmin::entry);
    }

    @Override
    public PolicyEntry put(PolicySettings policy) throws AdminException {
        check(policy);
        policies.get(policy.kind()).put(key(policy.name()), policy);
        return entry(policy);
    }

    @Override
    public void check(PolicySettings policy) throws AdminException {
        for (PolicySettings other : policies.get(policy.kind()).values()) {
            if (other.order() == policy.order() && !other.name().equalsIgnoreCase(policy.name())) {
                throw new InvalidDefinitionException("order", "order " + policy.order() + " is taken by '"
                        + other.name() + "'");
            }
        }
        String access = policy.settings().get("access");
        if (access != null && !access.equals("grant") && !access.equals("deny")) {
            throw new InvalidDefinitionException("access", "is grant or deny, not '" + access + "'");
        }
    }

    @Override
    public PolicyEntry setEnabled(PolicyKind kind, String name, boolean enabled) throws AdminException {
        PolicySettings old = existing(kind, name);
        return put(new PolicySettings(kind, old.name(), old.order(), enabled, old.settings()));
    }

    @Override
    public List<PolicyEntry> move(PolicyKind kind, String name, int position) throws AdminException {
        PolicySettings moved = existing(kind, name);
        List<PolicySettings> ordered = new ArrayList<>();
        policies(kind).forEach(entry -> ordered.add(entry.settings()));
        ordered.remove(moved);
        ordered.add(Math.max(0, Math.min(ordered.size(), position - 1)), moved);
        policies.get(kind).clear();
        int order = 10;
        for (PolicySettings policy : ordered) {
            policies.get(kind).put(key(policy.name()), new PolicySettings(kind, policy.name(), order, policy.enabled(),
                    policy.settings()));
            order += 10;
        }
        return policies(kind);
    }

    @Override
    public boolean remove(PolicyKind kind, String name) {
        return policies.get(kind).remove(key(name)) != null;
    }

    private PolicySettings existing(PolicyKind kind, String name) throws UnknownDefinitionException {
        PolicySettings policy = policies.get(kind).get(key(name));
        if (policy == null) {
            throw new UnknownDefinitionException(kind.name(), name);
        }
        return policy;
    }

    private static PolicyEntry entry(PolicySettings policy) {
        return new PolicyEntry(policy, "etc/" + policy.kind().factoryPid() + "-" + key(policy.name()) + ".cfg");
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
