package org.radmfa.admin.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sequence of single order changes that takes policies from their current to their target processing orders
 * without two policies ever holding the same order: the policy bundle refuses a policy whose order is taken, so
 * each intermediate state must be valid.
 */
final class OrderPlan {
    /** One change: give the policy with this key this order. */
    record Step(String key, int order) {
    }

    private OrderPlan() {
    }

    /**
     * @param current each policy's current order (distinct)
     * @param target each policy's target order (distinct)
     * @return the steps, in the order to apply them
     */
    static List<Step> plan(Map<String, Integer> current, Map<String, Integer> target) {
        Map<String, Integer> now = new HashMap<>(current);
        Map<String, Integer> pending = new LinkedHashMap<>();
        target.forEach((key, order) -> {
            if (!order.equals(now.get(key))) {
                pending.put(key, order);
            }
        });
        List<Step> steps = new ArrayList<>();
        Set<Integer> used = new HashSet<>(current.values());
        used.addAll(target.values());
        while (!pending.isEmpty()) {
            String ready = null;
            for (Map.Entry<String, Integer> step : pending.entrySet()) {
                if (!now.containsValue(step.getValue())) {
                    ready = step.getKey();
                    break;
                }
            }
            if (ready != null) {
                int order = pending.remove(ready);
                now.put(ready, order);
                steps.add(new Step(ready, order));
            } else {
                // Every pending target is held by another pending policy: a cycle. Park one on a free order.
                String parked = pending.keySet().iterator().next();
                int free = 1;
                while (used.contains(free)) {
                    free++;
                }
                used.add(free);
                now.put(parked, free);
                steps.add(new Step(parked, free));
            }
        }
        return steps;
    }
}
