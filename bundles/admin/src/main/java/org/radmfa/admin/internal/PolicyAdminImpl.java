package org.radmfa.admin.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.admin.DefinitionValidator;

/**
 * Network policies ({@code etc/org.radmfa.policy-<name>.cfg}) and connection request policies
 * ({@code etc/org.radmfa.crp-<name>.cfg}). Processing orders are unique within a kind, and the policy bundle
 * refuses a policy whose order another one holds; so a move changes as few orders as it can, and when several must
 * change it changes them one at a time in a sequence where no two policies ever hold the same order.
 */
@Component(service = PolicyAdmin.class)
public final class PolicyAdminImpl implements PolicyAdmin {
    private static final Set<String> OWN_FIELDS = Set.of("name", "order", "enabled");
    /** Orders given when the policies must be renumbered: room for nine policies between any two. */
    private static final int STEP = 10;

    private final Map<PolicyKind, DefinitionStore> stores = new EnumMap<>(PolicyKind.class);

    /** The validators of the bundles that read the files; dynamic: they come and go with those bundles. */
    private final Validators validators = new Validators();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindValidator(DefinitionValidator validator, Map<String, Object> properties) {
        validators.bind(validator, properties);
    }

    void unbindValidator(DefinitionValidator validator, Map<String, Object> properties) {
        validators.unbind(validator, properties);
    }

    @Activate
    public PolicyAdminImpl(@Reference ConfigurationAdmin configurationAdmin, BundleContext context) {
        for (PolicyKind kind : PolicyKind.values()) {
            String description = kind == PolicyKind.NETWORK ? "network policy" : "connection request policy";
            stores.put(kind, new DefinitionStore(configurationAdmin, EtcDirectory.of(context, description),
                    kind.factoryPid(), description, () -> validators.forFactoryPid(kind.factoryPid())));
        }
    }

    @Override
    public List<PolicyEntry> policies(PolicyKind kind) throws AdminException {
        return sorted(kind).stream().map(d -> entry(kind, d)).toList();
    }

    @Override
    public Optional<PolicyEntry> policy(PolicyKind kind, String name) throws AdminException {
        return stores.get(kind).find(name).map(d -> entry(kind, d));
    }

    @Override
    public synchronized PolicyEntry put(PolicySettings settings) throws AdminException {
        DefinitionStore store = stores.get(settings.kind());
        Optional<StoredDefinition> existing = store.find(Checks.name(settings.name()));
        Map<String, String> stored = prepare(settings, existing);
        StoredDefinition result = existing.isPresent() ? store.update(existing.get(), stored)
                : store.create(Checks.name(settings.name()), stored);
        return entry(settings.kind(), result);
    }

    @Override
    public synchronized void check(PolicySettings settings) throws AdminException {
        prepare(settings, stores.get(settings.kind()).find(Checks.name(settings.name())));
    }

    /** The properties {@link #put} stores, checked against the other policies and by the policy bundle. */
    private Map<String, String> prepare(PolicySettings settings, Optional<StoredDefinition> existing)
            throws AdminException {
        DefinitionStore store = stores.get(settings.kind());
        String name = Checks.name(settings.name());
        for (String key : settings.settings().keySet()) {
            if (OWN_FIELDS.contains(key)) {
                throw new InvalidDefinitionException(key, "is set on its own, not among the settings");
            }
            if (key.isBlank() || key.chars().anyMatch(c -> Character.isWhitespace(c) || c == '=' || c == ':')) {
                throw new InvalidDefinitionException(key, "is not a setting name");
            }
        }
        if (settings.order() < 0 || settings.order() == Integer.MAX_VALUE) {
            throw new InvalidDefinitionException("order", settings.order() + " is out of range 0.."
                    + (Integer.MAX_VALUE - 1));
        }
        for (StoredDefinition other : store.all()) {
            if (existing.isPresent() && other.pid().equals(existing.get().pid())) {
                continue;
            }
            if (order(other) == settings.order()) {
                throw new InvalidDefinitionException("order", "processing order " + settings.order()
                        + " is already used by " + store.kind() + " '" + other.name() + "' in " + other.source());
            }
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("name", name);
        properties.put("order", String.valueOf(settings.order()));
        properties.put("enabled", String.valueOf(settings.enabled()));
        settings.settings().forEach((k, v) -> properties.put(k, v == null ? "" : v.trim()));
        return store.validate(properties);
    }

    @Override
    public synchronized PolicyEntry setEnabled(PolicyKind kind, String name, boolean enabled) throws AdminException {
        DefinitionStore store = stores.get(kind);
        StoredDefinition existing = store.require(name);
        Map<String, String> properties = new LinkedHashMap<>(existing.properties());
        properties.put("enabled", String.valueOf(enabled));
        return entry(kind, store.update(existing, store.validate(properties)));
    }

    @Override
    public synchronized List<PolicyEntry> move(PolicyKind kind, String name, int position) throws AdminException {
        DefinitionStore store = stores.get(kind);
        List<StoredDefinition> current = sorted(kind);
        StoredDefinition moving = store.require(name);
        if (position < 1 || position > current.size()) {
            throw new InvalidDefinitionException("position", position + " is out of range 1.." + current.size());
        }
        List<StoredDefinition> wanted = new ArrayList<>(current);
        wanted.removeIf(d -> d.pid().equals(moving.pid()));
        wanted.add(position - 1, moving);
        Integer previous = position > 1 ? order(wanted.get(position - 2)) : null;
        Integer next = position < wanted.size() ? order(wanted.get(position)) : null;
        int at = order(moving);
        boolean inPlace = (previous == null || previous < at) && (next == null || at < next);
        if (!inPlace) {
            Integer between = between(previous, next);
            if (between != null) {
                setOrder(store, moving, between);
            } else {
                renumber(store, wanted);
            }
        }
        return policies(kind);
    }

    @Override
    public synchronized boolean remove(PolicyKind kind, String name) throws AdminException {
        DefinitionStore store = stores.get(kind);
        Optional<StoredDefinition> existing = store.find(name);
        if (existing.isEmpty()) {
            return false;
        }
        store.delete(existing.get());
        return true;
    }

    /** A free order strictly between two neighbours (either may be absent), or null when there is none. */
    static Integer between(Integer previous, Integer next) {
        if (previous == null && next == null) {
            return 0;
        }
        if (previous == null) {
            if (next >= STEP) {
                return next - STEP;
            }
            return next > 0 ? Integer.valueOf(next / 2) : null;
        }
        if (next == null) {
            if (previous <= Integer.MAX_VALUE - 1 - STEP) {
                return previous + STEP;
            }
            return previous < Integer.MAX_VALUE - 1 ? Integer.valueOf(previous + 1) : null;
        }
        long gap = (long) next - previous;
        return gap >= 2 ? Integer.valueOf((int) (previous + gap / 2)) : null;
    }

    /**
     * Gives the policies the orders STEP, 2 STEP, ... in the wanted sequence, one change at a time, never giving a
     * policy an order another still holds: a policy waits until its new order is free, and a cycle is broken by
     * parking one policy on an unused order first.
     */
    private void renumber(DefinitionStore store, List<StoredDefinition> wanted) throws AdminException {
        Map<String, StoredDefinition> byPid = new HashMap<>();
        Map<String, Integer> currentOrder = new HashMap<>();
        Map<String, Integer> targetOrder = new LinkedHashMap<>();
        for (int i = 0; i < wanted.size(); i++) {
            StoredDefinition definition = wanted.get(i);
            byPid.put(definition.pid(), definition);
            currentOrder.put(definition.pid(), order(definition));
            targetOrder.put(definition.pid(), (i + 1) * STEP);
        }
        for (OrderPlan.Step step : OrderPlan.plan(currentOrder, targetOrder)) {
            byPid.put(step.key(), setOrder(store, byPid.get(step.key()), step.order()));
        }
    }

    private StoredDefinition setOrder(DefinitionStore store, StoredDefinition definition, int order)
            throws AdminException {
        Map<String, String> properties = new LinkedHashMap<>(definition.properties());
        properties.put("order", String.valueOf(order));
        return store.update(definition, store.validate(properties));
    }

    private List<StoredDefinition> sorted(PolicyKind kind) throws AdminException {
        List<StoredDefinition> all = new ArrayList<>(stores.get(kind).all());
        all.sort(Comparator.comparingInt(PolicyAdminImpl::order).thenComparing(d -> d.name().toLowerCase()));
        return all;
    }

    private static int order(StoredDefinition definition) {
        try {
            return Integer.parseInt(definition.get("order", ""));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static PolicyEntry entry(PolicyKind kind, StoredDefinition definition) {
        Map<String, String> settings = new LinkedHashMap<>(definition.properties());
        OWN_FIELDS.forEach(settings::remove);
        settings.remove("webconsole.configurationFactory.nameHint");
        PolicySettings policy = new PolicySettings(kind, definition.name(), order(definition),
                !definition.get("enabled", "true").equalsIgnoreCase("false"), settings);
        return new PolicyEntry(policy, definition.source());
    }
}
