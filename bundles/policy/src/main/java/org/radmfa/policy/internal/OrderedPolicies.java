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

    /**
     * A policy with the lines that name it in a decision's trace, made once when it is published instead of for
     * every request: {@code header} ("network policy 'VPN' (order 10): ") and {@code matched}, the header with what
     * the policy does when it matches.
     */
    record Traced<P>(P policy, String header, String matched) {
    }

    private final String kind;
    private final Function<P, String> name;
    private final ToIntFunction<P> order;
    private final Function<P, String> whenMatched;
    private final Map<String, Entry<P>> entries = new LinkedHashMap<>();
    private volatile List<Traced<P>> traced = List.of();
    private volatile List<P> ordered = List.of();

    /** @param whenMatched what the trace says after the header when the policy matches: "matches -> ..." */
    OrderedPolicies(String kind, Function<P, String> name, ToIntFunction<P> order, Function<P, String> whenMatched) {
        this.kind = kind;
        this.name = name;
        this.order = order;
        this.whenMatched = whenMatched;
    }

    List<P> ordered() {
        return ordered;
    }

    /** The policies in processing order, each with its trace lines. */
    List<Traced<P>> traced() {
        return traced;
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
        List<Traced<P>> sorted = entries.values().stream().map(Entry::policy).sorted(Comparator.comparingInt(order))
                .map(policy -> {
                    String header = kind + " '" + name.apply(policy) + "' (order " + order.applyAsInt(policy) + "): ";
                    return new Traced<>(policy, header, header + whenMatched.apply(policy));
                }).toList();
        traced = sorted;
        ordered = sorted.stream().map(Traced::policy).toList();
    }
}
