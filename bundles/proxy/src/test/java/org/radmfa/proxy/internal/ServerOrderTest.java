package org.radmfa.proxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ServerOrderTest {
    private record Server(String name, int priority, int weight, boolean up) {
    }

    private static List<Server> order(List<Server> servers, Random random) {
        return ServerOrder.order(servers, Server::up, Server::priority, Server::weight, random);
    }

    @Test
    void lowerPriorityFirstAndDownServersLast() {
        Server backup = new Server("backup", 2, 50, true);
        Server primary = new Server("primary", 1, 50, true);
        Server down = new Server("down", 1, 50, false);
        assertEquals(List.of(primary, backup, down), order(List.of(backup, down, primary), new Random(1)));
    }

    @Test
    void weightSharesTheFirstPlaceWithinAPriority() {
        Server heavy = new Server("heavy", 1, 75, true);
        Server light = new Server("light", 1, 25, true);
        Random random = new Random(42);
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            List<Server> order = order(List.of(heavy, light), random);
            assertEquals(2, order.size());
            first.merge(order.get(0).name(), 1, Integer::sum);
        }
        // 75 % expected; a seeded draw, bounds wide enough for any seed.
        assertTrue(first.get("heavy") > 2700 && first.get("heavy") < 3300, first.toString());
    }
}
