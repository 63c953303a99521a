package org.radmfa.proxy.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The order in which a group's servers are tried, as NPS does it: servers that are up before those that are down
 * (a down server is a last resort, never skipped for good); lower priority first; among servers of the same
 * priority, a random order drawn by weight, so that each is first in proportion to its weight.
 */
final class ServerOrder {

    private ServerOrder() {
    }

    static <T> List<T> order(List<T> servers, Predicate<T> up, ToIntFunction<T> priority, ToIntFunction<T> weight,
            Random random) {
        List<T> result = new ArrayList<>(servers.size());
        for (boolean wantUp : new boolean[] {true, false}) {
            List<T> state = new ArrayList<>();
            for (T server : servers) {
                if (up.test(server) == wantUp) {
                    state.add(server);
                }
            }
            state.sort(Comparator.comparingInt(priority));
            int from = 0;
            while (from < state.size()) {
                int to = from;
                while (to < state.size() && priority.applyAsInt(state.get(to)) == priority.applyAsInt(state.get(from))) {
                    to++;
                }
                result.addAll(byWeight(new ArrayList<>(state.subList(from, to)), weight, random));
                from = to;
            }
        }
        return result;
    }

    /** Weighted sampling without replacement. */
    private static <T> List<T> byWeight(List<T> candidates, ToIntFunction<T> weight, Random random) {
        List<T> drawn = new ArrayList<>(candidates.size());
        while (!candidates.isEmpty()) {
            long total = 0;
            for (T candidate : candidates) {
                total += Math.max(1, weight.applyAsInt(candidate));
            }
            long pick = (long) (random.nextDouble() * total);
            int index = 0;
            for (long sum = Math.max(1, weight.applyAsInt(candidates.get(0))); sum <= pick; ) {
                index++;
                sum += Math.max(1, weight.applyAsInt(candidates.get(index)));
            }
            drawn.add(candidates.remove(index));
        }
        return drawn;
    }
}
