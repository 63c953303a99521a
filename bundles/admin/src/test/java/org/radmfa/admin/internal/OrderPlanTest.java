package org.radmfa.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class OrderPlanTest {

    @Test
    void everyIntermediateStateHasDistinctOrdersAndTheLastIsTheTarget() {
        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            int size = 1 + random.nextInt(8);
            List<Integer> orders = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                orders.add(random.nextInt(4) * 10 + random.nextInt(3) + 10 * i);
            }
            Map<String, Integer> current = new LinkedHashMap<>();
            Map<String, Integer> target = new LinkedHashMap<>();
            List<Integer> distinct = new ArrayList<>(new HashSet<>(orders));
            List<Integer> targets = new ArrayList<>(distinct);
            Collections.shuffle(targets, random);
            for (int i = 0; i < distinct.size(); i++) {
                current.put("p" + i, distinct.get(i));
                target.put("p" + i, targets.get(i));
            }
            Map<String, Integer> state = new HashMap<>(current);
            for (OrderPlan.Step step : OrderPlan.plan(current, target)) {
                state.put(step.key(), step.order());
                assertEquals(state.size(), new HashSet<>(state.values()).size(), "collision in " + state);
            }
            assertEquals(target, state);
        }
    }

    @Test
    void aSwapIsBrokenByParking() {
        List<OrderPlan.Step> steps = OrderPlan.plan(Map.of("a", 10, "b", 20), Map.of("a", 20, "b", 10));
        assertEquals(3, steps.size());
    }

    @Test
    void aFreeOrderBetweenNeighboursIsPreferredToRenumbering() {
        assertEquals(15, PolicyAdminImpl.between(10, 20));
        assertNull(PolicyAdminImpl.between(10, 11));
        assertEquals(0, PolicyAdminImpl.between(null, 10));
        assertEquals(2, PolicyAdminImpl.between(null, 5));
        assertNull(PolicyAdminImpl.between(null, 0));
        assertEquals(30, PolicyAdminImpl.between(20, null));
        assertTrue(PolicyAdminImpl.between(Integer.MAX_VALUE - 2, null) == Integer.MAX_VALUE - 1);
        assertNull(PolicyAdminImpl.between(Integer.MAX_VALUE - 1, null));
    }
}
