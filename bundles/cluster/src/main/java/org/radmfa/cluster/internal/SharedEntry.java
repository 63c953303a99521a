package org.radmfa.cluster.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.radmfa.api.SecretVault;

/**
 * One shared configuration as it travels between nodes: which configuration (its portable key, the etc/ file name
 * without .cfg), its properties, and the version that orders concurrent edits. An edit wins over another when its
 * version is higher; on equal versions the origin node's name decides, so every node picks the same winner.
 *
 * @param key e.g. {@code org.radmfa.client-gw} or {@code org.radmfa.pipeline}
 * @param version a hybrid logical clock value (milliseconds, never going back on a node)
 * @param origin the node that made this edit
 * @param base the version the editing node had for this key when it made the edit (0: none): an edit whose base
 *     is older than another node's own edit was made without seeing it, which is a conflict
 * @param deleted a tombstone: the configuration was deleted
 * @param properties the configuration's own keys as text; empty for a tombstone
 */
record SharedEntry(String key, long version, String origin, long base, boolean deleted,
        Map<String, String> properties) {

    SharedEntry {
        properties = Map.copyOf(properties);
    }

    boolean isNewerThan(SharedEntry other) {
        if (other == null) {
            return true;
        }
        if (version != other.version) {
            return version > other.version;
        }
        return origin.compareTo(other.origin) > 0;
    }

    /**
     * Sealed by the vault: only a node holding the cluster's key can read an entry, and one sealed with another key
     * (or altered on the way) does not open. This is what authenticates configuration traffic between nodes.
     */
    String seal(SecretVault vault) {
        Properties text = new Properties();
        text.setProperty("@key", key);
        text.setProperty("@version", Long.toString(version));
        text.setProperty("@origin", origin);
        text.setProperty("@base", Long.toString(base));
        text.setProperty("@deleted", Boolean.toString(deleted));
        properties.forEach((name, value) -> text.setProperty("=" + name, value));
        StringWriter out = new StringWriter();
        try {
            text.store(out, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return vault.seal(out.toString());
    }

    /** @throws IllegalArgumentException when the text was not sealed with this node's key, or is malformed */
    static SharedEntry open(SecretVault vault, String sealed) {
        Properties text = new Properties();
        try {
            text.load(new StringReader(vault.open(sealed)));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        Map<String, String> properties = new TreeMap<>();
        for (String name : text.stringPropertyNames()) {
            if (name.startsWith("=")) {
                properties.put(name.substring(1), text.getProperty(name));
            }
        }
        String key = text.getProperty("@key");
        String version = text.getProperty("@version");
        String origin = text.getProperty("@origin");
        if (key == null || version == null || origin == null) {
            throw new IllegalArgumentException("not a shared configuration entry");
        }
        return new SharedEntry(key, Long.parseLong(version), origin, Long.parseLong(text.getProperty("@base", "0")),
                Boolean.parseBoolean(text.getProperty("@deleted")), properties);
    }

    @Override
    public String toString() {
        // Never the properties: they may hold sealed secrets, and logs need only which edit this is.
        return key + "@" + version + " from " + origin + (deleted ? " (deleted)" : "");
    }
}
