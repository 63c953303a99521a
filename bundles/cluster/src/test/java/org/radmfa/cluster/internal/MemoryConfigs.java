package org.radmfa.cluster.internal;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** A node's ConfigurationAdmin stand-in: configurations by key, telling a listener of every change. */
final class MemoryConfigs implements LocalConfigs {
    private final Map<String, Map<String, String>> configurations = new ConcurrentHashMap<>();
    private volatile Consumer<String> listener = key -> { };

    void listen(Consumer<String> changed) {
        this.listener = changed;
    }

    /** What ConfigurationAdmin held before the cluster member started: no event. */
    void preload(String key, Map<String, String> properties) {
        configurations.put(key, new TreeMap<>(properties));
    }

    /** An administrator's edit on this node. */
    void edit(String key, Map<String, String> properties) {
        configurations.put(key, new TreeMap<>(properties));
        listener.accept(key);
    }

    void remove(String key) {
        configurations.remove(key);
        listener.accept(key);
    }

    @Override
    public Set<String> keys() {
        return Set.copyOf(configurations.keySet());
    }

    @Override
    public Map<String, String> read(String key) {
        Map<String, String> properties = configurations.get(key);
        return properties == null ? null : new TreeMap<>(properties);
    }

    @Override
    public void write(String key, Map<String, String> properties) {
        configurations.put(key, new TreeMap<>(properties));
        listener.accept(key);
    }

    @Override
    public void delete(String key) {
        configurations.remove(key);
        listener.accept(key);
    }
}
