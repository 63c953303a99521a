package org.radmfa.cluster.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

import org.radmfa.api.SecretVault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;

/**
 * The shared configurations in a Hazelcast map of sealed text (only JDK strings cross the wire, so no class of this
 * bundle has to be loadable by Hazelcast). An entry that does not open with this node's vault key is ignored and
 * reported: it was not written by a node of this cluster.
 */
final class HazelcastStore implements SharedStore {
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastStore.class);
    private static final int MAX_ATTEMPTS = 16;

    private final IMap<String, String> map;
    private final SecretVault vault;

    HazelcastStore(IMap<String, String> map, SecretVault vault) {
        this.map = map;
        this.vault = vault;
    }

    /** Calls back with each entry added, updated or merged by any node (this one included). */
    void listen(Consumer<SharedEntry> listener) {
        class Listener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
                EntryMergedListener<String, String> {
            @Override
            public void entryAdded(EntryEvent<String, String> event) {
                deliver(event);
            }

            @Override
            public void entryUpdated(EntryEvent<String, String> event) {
                deliver(event);
            }

            @Override
            public void entryMerged(EntryEvent<String, String> event) {
                deliver(event);
            }

            private void deliver(EntryEvent<String, String> event) {
                SharedEntry entry = open(event.getKey(), event.getValue());
                if (entry != null) {
                    listener.accept(entry);
                }
            }
        }
        map.addEntryListener(new Listener(), true);
    }

    @Override
    public SharedEntry get(String key) {
        return open(key, map.get(key));
    }

    @Override
    public Collection<SharedEntry> all() {
        List<SharedEntry> entries = new ArrayList<>();
        map.entrySet().forEach(e -> {
            SharedEntry entry = open(e.getKey(), e.getValue());
            if (entry != null) {
                entries.add(entry);
            }
        });
        return entries;
    }

    @Override
    public SharedEntry putIfNewer(SharedEntry entry) {
        String sealed = entry.seal(vault);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String current = map.get(entry.key());
            SharedEntry held = open(entry.key(), current);
            if (held != null && !entry.isNewerThan(held)) {
                return held;
            }
            boolean stored = current == null ? map.putIfAbsent(entry.key(), sealed) == null
                    : map.replace(entry.key(), current, sealed);
            if (stored) {
                return entry;
            }
        }
        throw new IllegalStateException("the cluster map kept changing under " + entry);
    }

    private SharedEntry open(String key, String sealed) {
        if (sealed == null) {
            return null;
        }
        try {
            SharedEntry entry = SharedEntry.open(vault, sealed);
            if (!entry.key().equals(key)) {
                LOG.error("Cluster entry {} holds configuration {}: ignored", key, entry.key());
                return null;
            }
            return entry;
        } catch (IllegalArgumentException e) {
            LOG.error("Cluster entry {} does not open with this node's vault key and is ignored: it was not written"
                    + " by a node of this cluster, or etc/radmfa-vault.key differs between the nodes", key);
            return null;
        }
    }
}
