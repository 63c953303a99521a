package org.radmfa.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror's rules on nodes whose cluster copy is an in-memory store with queued delivery, so that the order in
 * which events reach the nodes is the test's to choose.
 */
class ConfigMirrorTest {
    private static final String CLIENT = "org.radmfa.client-gw";

    /** One side of a (possibly split) cluster: a map, and the nodes it tells of changes. */
    private static final class Side implements SharedStore {
        final Map<String, SharedEntry> entries = new HashMap<>();
        final List<Node> nodes = new ArrayList<>();
        final Deque<SharedEntry> undelivered = new ArrayDeque<>();
        int writes;

        @Override
        public SharedEntry get(String key) {
            return entries.get(key);
        }

        @Override
        public Collection<SharedEntry> all() {
            return List.copyOf(entries.values());
        }

        @Override
        public SharedEntry putIfNewer(SharedEntry entry) {
            SharedEntry held = entries.get(entry.key());
            if (held != null && !entry.isNewerThan(held)) {
                return held;
            }
            entries.put(entry.key(), entry);
            writes++;
            undelivered.add(entry);
            return entry;
        }

        /** Delivers every queued change to every node, until none is left (bounded). */
        void deliver() {
            for (int round = 0; round < 1000 && !undelivered.isEmpty(); round++) {
                SharedEntry entry = undelivered.poll();
                nodes.forEach(node -> node.mirror.remoteChanged(entry));
            }
            assertTrue(undelivered.isEmpty(), "delivery settles");
        }
    }

    /** The nodes' shared wall clock, in milliseconds: it moves only when a test moves it. */
    private final AtomicLong wallClock = new AtomicLong(1_780_000_000_000L);

    private final class Node {
        final MemoryConfigs configs = new MemoryConfigs();
        ConfigMirror mirror;
        Side side;

        Node(String name, Side side, Path records) {
            this.side = side;
            this.mirror = new ConfigMirror(name, configs, new SharedStore() {
                @Override
                public SharedEntry get(String key) {
                    return Node.this.side.get(key);
                }

                @Override
                public Collection<SharedEntry> all() {
                    return Node.this.side.all();
                }

                @Override
                public SharedEntry putIfNewer(SharedEntry entry) {
                    return Node.this.side.putIfNewer(entry);
                }
            }, records, wallClock::get);
            configs.listen(key -> mirror.localChanged(key));
            side.nodes.add(this);
        }

        void moveTo(Side other) {
            side.nodes.remove(this);
            side = other;
            other.nodes.add(this);
        }
    }

    @Test
    void anEditOnOneNodeReachesTheOthersAndIsNotEchoedBack() {
        Side cluster = new Side();
        Node a = new Node("a", cluster, null);
        Node b = new Node("b", cluster, null);
        Node c = new Node("c", cluster, null);
        a.configs.edit(CLIENT, Map.of("name", "gw", "address", "10.1.255.0/27", "secret", "{aes-gcm}x"));
        cluster.deliver();
        assertEquals(a.configs.read(CLIENT), b.configs.read(CLIENT));
        assertEquals(a.configs.read(CLIENT), c.configs.read(CLIENT));
        assertEquals(1, cluster.writes, "applying a remote edit publishes nothing");

        b.configs.remove(CLIENT);
        cluster.deliver();
        assertNull(a.configs.read(CLIENT));
        assertNull(c.configs.read(CLIENT));
        assertEquals(2, cluster.writes);
        assertEquals(0, a.mirror.conflicts() + b.mirror.conflicts() + c.mirror.conflicts(),
                "b deleted what it had seen from a: a successor, not a conflict");
    }

    @Test
    void editsOnBothSidesOfASplitEndOnTheNewerOnEveryNodeWhateverTheMergeKept() throws Exception {
        Side cluster = new Side();
        Node a = new Node("a", cluster, null);
        Node b = new Node("b", cluster, null);
        Node c = new Node("c", cluster, null);
        a.configs.edit(CLIENT, Map.of("name", "gw", "secret", "one"));
        cluster.deliver();

        // Split: c alone keeps working (and editing) on its own copy.
        Side island = new Side();
        island.entries.putAll(cluster.entries);
        c.moveTo(island);
        a.configs.edit(CLIENT, Map.of("name", "gw", "secret", "two"));
        cluster.deliver();
        wallClock.addAndGet(2); // the island's edit is later by the clock
        c.configs.edit(CLIENT, Map.of("name", "gw", "secret", "three"));
        island.deliver();
        assertEquals("two", b.configs.read(CLIENT).get("secret"));
        assertEquals("three", c.configs.read(CLIENT).get("secret"));

        // Heal, with the merge keeping the OLDER entry: the reconciliation must still end on the newer edit.
        c.moveTo(cluster);
        for (Node node : List.of(a, b, c)) {
            node.mirror.reconcile();
            cluster.deliver();
        }
        for (Node node : List.of(a, b, c)) {
            assertEquals("three", node.configs.read(CLIENT).get("secret"), "every node ends on the newer edit");
        }
        assertEquals(1, a.mirror.conflicts(), "a's edit made during the split lost, and a says so");
        assertEquals(0, c.mirror.conflicts());
    }

    @Test
    void aRestartedNodeKeepsItsVersionsAndTakesOnlyNewerEdits(@TempDir Path dir) {
        Side cluster = new Side();
        Path records = dir.resolve("versions.properties");
        Node a = new Node("a", cluster, null);
        Node b = new Node("b", cluster, records);
        a.configs.edit(CLIENT, Map.of("name", "gw", "secret", "one"));
        cluster.deliver();
        assertTrue(Files.exists(records));
        int writes = cluster.writes;

        // b restarts with the same configuration and its record file: nothing to publish, nothing to apply.
        cluster.nodes.remove(b);
        Node restarted = new Node("b", cluster, records);
        restarted.configs.preload(CLIENT, b.configs.read(CLIENT));
        restarted.mirror.reconcile();
        cluster.deliver();
        assertEquals(writes, cluster.writes);

        // A new node with a default of its own takes the cluster's newer edit instead of publishing its default.
        Node fresh = new Node("c", cluster, null);
        fresh.configs.preload(CLIENT, Map.of("name", "gw", "secret", "default"));
        fresh.mirror.reconcile();
        cluster.deliver();
        assertEquals("one", fresh.configs.read(CLIENT).get("secret"));
    }
}
