package org.radmfa.policy.internal;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * One ordered list of policies, keyed by the configuration that defined each. Names and processing orders are
 * unique; readers get an immutable snapshot in processing order, replaced whole on every change, so that a change
 * never leaves a window with a partial list.
 */
final class OrderedPolicies<P> {
    private record Entry<P>(String key, P policy, String source) {
    }

    private final String kind;
    private final Function<P, String> name;
    private final ToIntFunction<P> order;
    private final Map<String, Entry<P>> entries = new LinkedHashMap<>();
    private volatile List<P> ordered = List.of();

    OrderedPolicies(String kind, Function<P, String> name, ToIntFunction<P> order) {
        this.kind = kind;
        this.name = name;
        this.order = order;
    }

    List<P> ordered() {
        return ordered;
    }

    /** @throws IllegalArgumentException when another policy has the same name or processing order */
    synchronized void put(String key, P policy, String source) {
        for (Entry<P> other : entries.values()) {
            if (other.key().equals(key)) {
                continue;
            }
            if (order.applyAsInt(other.policy()) == order.applyAsInt(policy)) {
                throw new IllegalArgumentException("processing order " + order.applyAsInt(policy)
                        + " is already used by " + kind + " '" + name.apply(other.policy()) + "' in " + other.source());
            }
            if (name.apply(other.policy()).equalsIgnoreCase(name.apply(policy))) {
                throw new IllegalArgumentException(kind + " name '" + name.apply(policy) + "' is already used in "
                        + other.source());
            }
        }
        entries.put(key, new Entry<>(key, policy, source));
        publish();
    }

    synchronized boolean remove(String key) {
        if (entries.remove(key) == null) {
            return false;
        }
        publish();
        return true;
    }

    private void publish() {
        ordered = entries.values().stream().map(Entry::policy).sorted(Comparator.comparingInt(order)).toList();
    }
}
