package org.radmfa.cluster.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's shared configurations and the cluster's copy in step, without Hazelcast or OSGi in sight.
 * <ul>
 * <li>A local change (file, shell, web console: anything that goes through ConfigurationAdmin) is published with a
 * new version, unless it is only the echo of a change this mirror applied itself (same content as recorded).</li>
 * <li>A remote change is applied when it is newer than what this node has; when this node has the newer edit, it
 * publishes it again, so that every node ends on the same winner whatever order events arrive in.</li>
 * <li>{@link #reconcile} (at start, when a member joins, after a network split heals) walks both sides.</li>
 * </ul>
 * A node cut off from its peers keeps serving from its own ConfigurationAdmin; nothing here is on a request's path.
 * A local edit that loses to a newer one from another node is logged as a conflict, never dropped in silence.
 */
final class ConfigMirror {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigMirror.class);
    private static final String DELETED = "-";

    /** What this node last applied or published for a key, and the content it had then. */
    private record Applied(long version, String origin, String contentHash) {
        SharedEntry asEntry(String key) {
            return new SharedEntry(key, version, origin, 0, false, Map.of());
        }
    }

    private final String node;
    private final LocalConfigs local;
    private final SharedStore store;
    private final Path recordFile;
    private final Map<String, Applied> applied = new HashMap<>();
    /** Wall-clock milliseconds: versions of edits made on different nodes are ordered by it. */
    private final LongSupplier wallClock;
    private long clock;
    private int conflicts;

    /** @param recordFile where the versions survive a restart; null keeps them in memory only */
    ConfigMirror(String node, LocalConfigs local, SharedStore store, Path recordFile) {
        this(node, local, store, recordFile, System::currentTimeMillis);
    }

    ConfigMirror(String node, LocalConfigs local, SharedStore store, Path recordFile, LongSupplier wallClock) {
        this.wallClock = wallClock;
        this.node = node;
        this.local = local;
        this.store = store;
        this.recordFile = recordFile;
        load();
    }

    /** A configuration of this node was created, changed or deleted. */
    synchronized void localChanged(String key) {
        Map<String, String> properties = local.read(key);
        String hash = hash(properties);
        Applied known = applied.get(key);
        if (known != null && known.contentHash().equals(hash)) {
            return;
        }
        if (known == null && properties == null) {
            return;
        }
        SharedEntry held = store.get(key);
        if (held != null && hash(held.deleted() ? null : held.properties()).equals(hash)
                && (known == null || held.isNewerThan(known.asEntry(key)))) {
            // The cluster already has exactly this (two nodes installed with the same defaults): adopt its version.
            record(key, new Applied(held.version(), held.origin(), hash));
            return;
        }
        SharedEntry edit = new SharedEntry(key, nextVersion(), node, known == null ? 0 : known.version(),
                properties == null, properties == null ? Map.of() : properties);
        record(key, new Applied(edit.version(), node, hash));
        SharedEntry stored = store.putIfNewer(edit);
        if (stored != edit && stored.isNewerThan(edit)) {
            conflicts++;
            LOG.warn("Conflict on {}: this node's edit {} lost to the newer edit {}; applying that one", key, edit,
                    stored);
            apply(stored);
        } else {
            LOG.info("Shared {} with the cluster", edit);
        }
    }

    /** The cluster's copy of a configuration changed (or was seen during a reconciliation). */
    synchronized void remoteChanged(SharedEntry entry) {
        clock = Math.max(clock, entry.version());
        Applied known = applied.get(entry.key());
        if (known != null && known.version() == entry.version() && known.origin().equals(entry.origin())) {
            return;
        }
        if (known != null && known.asEntry(entry.key()).isNewerThan(entry)) {
            if (known.origin().equals(node)) {
                // This node holds the newer edit (made while apart, or the store lost a race): publish it again.
                Map<String, String> properties = local.read(entry.key());
                if (hash(properties).equals(known.contentHash())) {
                    // Base unknown (0): the other node's edit was made without seeing this one, a conflict there.
                    store.putIfNewer(new SharedEntry(entry.key(), known.version(), node, 0, properties == null,
                            properties == null ? Map.of() : properties));
                }
            }
            return;
        }
        Map<String, String> current = local.read(entry.key());
        String currentHash = hash(current);
        if (currentHash.equals(hash(entry.deleted() ? null : entry.properties()))) {
            // Same content under another version (e.g. the same defaults on every node): nothing to apply.
            record(entry.key(), new Applied(entry.version(), entry.origin(), currentHash));
            return;
        }
        if (known != null && known.origin().equals(node) && currentHash.equals(known.contentHash())
                && entry.base() < known.version()) {
            conflicts++;
            LOG.warn("Conflict on {}: this node's edit {}@{} lost to the newer edit {}", entry.key(), entry.key(),
                    known.version(), entry);
        } else if (known != null && !currentHash.equals(known.contentHash())) {
            conflicts++;
            LOG.warn("Conflict on {}: a local change not yet shared is replaced by the newer edit {}", entry.key(),
                    entry);
        }
        apply(entry);
    }

    /** Edits of this node that lost to a concurrent newer edit of another, since start. */
    synchronized int conflicts() {
        return conflicts;
    }

    /** Brings both sides in step: the cluster's newer edits here, this node's newer or unshared ones there. */
    synchronized void reconcile() {
        int before = applied.size();
        for (SharedEntry entry : store.all()) {
            remoteChanged(entry);
        }
        for (String key : local.keys()) {
            localChanged(key);
        }
        // A configuration deleted here while apart, that the cluster still has, is a local change too.
        for (String key : Map.copyOf(applied).keySet()) {
            if (local.read(key) == null) {
                localChanged(key);
            }
        }
        LOG.info("Reconciled with the cluster: {} shared configurations ({} before)", applied.size(), before);
    }

    private void apply(SharedEntry entry) {
        // Recorded before the change, so that its echo (the local change event it causes) is known as ours.
        if (entry.deleted()) {
            record(entry.key(), new Applied(entry.version(), entry.origin(), DELETED));
            if (local.read(entry.key()) != null) {
                local.delete(entry.key());
            }
            LOG.info("Applied {}", entry);
            return;
        }
        record(entry.key(), new Applied(entry.version(), entry.origin(), hash(entry.properties())));
        local.write(entry.key(), entry.properties());
        LOG.info("Applied {}", entry);
    }

    private long nextVersion() {
        clock = Math.max(clock + 1, wallClock.getAsLong());
        return clock;
    }

    private void record(String key, Applied state) {
        applied.put(key, state);
        save();
    }

    static String hash(Map<String, String> properties) {
        if (properties == null) {
            return DELETED;
        }
        StringBuilder text = new StringBuilder();
        new TreeMap<>(properties).forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void load() {
        if (recordFile == null || !Files.exists(recordFile)) {
            return;
        }
        Properties saved = new Properties();
        try (InputStream in = Files.newInputStream(recordFile)) {
            saved.load(in);
        } catch (IOException e) {
            LOG.warn("Could not read {}: every shared configuration is reconciled as new ({})", recordFile, e);
            return;
        }
        for (String key : saved.stringPropertyNames()) {
            String[] parts = saved.getProperty(key).split(" ", 3);
            if (parts.length == 3) {
                Applied state = new Applied(Long.parseLong(parts[0]), parts[1], parts[2]);
                applied.put(key, state);
                clock = Math.max(clock, state.version());
            }
        }
    }

    private void save() {
        if (recordFile == null) {
            return;
        }
        Properties saved = new Properties();
        applied.forEach((key, state) -> saved.setProperty(key, state.version() + " " + state.origin() + " "
                + state.contentHash()));
        try {
            Files.createDirectories(recordFile.getParent());
            Path temporary = recordFile.resolveSibling(recordFile.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(temporary)) {
                saved.store(out, "radmfa cluster: versions of the shared configurations on this node");
            }
            Files.move(temporary, recordFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Could not write {}: after a restart this node reconciles as if new ({})", recordFile, e);
        }
    }
}
