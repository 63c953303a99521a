package org.radmfa.cluster.internal;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Array;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The shared configurations of this node in ConfigurationAdmin. A factory configuration's portable key is its etc/
 * file name without {@code .cfg} ({@code org.radmfa.client-gw}: factory PID and name, as FileInstall names it); a
 * singleton's is its PID. Only named factory configurations ({@code factoryPid~name}) are shared: a generated PID
 * means nothing on another node.
 */
final class ConfigurationAdminConfigs implements LocalConfigs {
    /** Keys that belong to this node's framework or file, not to the configuration. */
    private static final Set<String> LOCAL_KEYS = Set.of("service.pid", "service.factoryPid", "service.bundleLocation",
            "felix.fileinstall.filename", "org.apache.karaf.features.configKey", "component.name", "component.id");
    private static final String FILE_PROPERTY = "felix.fileinstall.filename";

    private final ConfigurationAdmin configurationAdmin;
    private final List<String> factoryPids;
    private final List<String> singletonPids;
    private final File etc;

    ConfigurationAdminConfigs(ConfigurationAdmin configurationAdmin, List<String> factoryPids,
            List<String> singletonPids, File etc) {
        this.configurationAdmin = configurationAdmin;
        this.factoryPids = List.copyOf(factoryPids);
        this.singletonPids = List.copyOf(singletonPids);
        this.etc = etc;
    }

    /** The portable key of a configuration event's PID, or null when that configuration is not shared. */
    String keyOf(String pid, String factoryPid) {
        if (factoryPid != null) {
            int tilde = pid.indexOf('~');
            return factoryPids.contains(factoryPid) && tilde > 0 ? factoryPid + "-" + pid.substring(tilde + 1) : null;
        }
        return singletonPids.contains(pid) ? pid : null;
    }

    @Override
    public Set<String> keys() {
        Set<String> keys = new HashSet<>();
        for (Configuration configuration : list(null)) {
            String key = keyOf(configuration.getPid(), configuration.getFactoryPid());
            if (key != null && configuration.getProperties() != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    @Override
    public Map<String, String> read(String key) {
        Configuration configuration = find(key);
        if (configuration == null || configuration.getProperties() == null) {
            return null;
        }
        Map<String, String> properties = new TreeMap<>();
        Dictionary<String, Object> dictionary = configuration.getProperties();
        for (Enumeration<String> names = dictionary.keys(); names.hasMoreElements();) {
            String name = names.nextElement();
            if (!LOCAL_KEYS.contains(name)) {
                properties.put(name, text(dictionary.get(name)));
            }
        }
        return properties;
    }

    @Override
    public void write(String key, Map<String, String> properties) {
        try {
            Configuration configuration = find(key);
            if (configuration == null) {
                String factoryPid = factoryPidOf(key);
                configuration = factoryPid == null ? configurationAdmin.getConfiguration(key, "?")
                        : configurationAdmin.getFactoryConfiguration(factoryPid,
                                key.substring(factoryPid.length() + 1), "?");
            }
            Dictionary<String, Object> dictionary = new Hashtable<>(properties);
            Dictionary<String, Object> old = configuration.getProperties();
            Object file = old == null ? null : old.get(FILE_PROPERTY);
            if (file == null) {
                // FileInstall keeps an existing file in step with its configuration but does not create one: the
                // file is written here first, so that the change survives a restart like an edited one.
                File created = new File(etc, key + ".cfg");
                writeFile(created, properties);
                file = created.toURI().toString();
            }
            dictionary.put(FILE_PROPERTY, file);
            configuration.update(dictionary);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write configuration " + key, e);
        }
    }

    @Override
    public void delete(String key) {
        Configuration configuration = find(key);
        if (configuration != null) {
            try {
                configuration.delete();
            } catch (IOException e) {
                throw new IllegalStateException("cannot delete configuration " + key, e);
            }
        }
    }

    private static void writeFile(File file, Map<String, String> properties) throws IOException {
        java.util.Properties text = new java.util.Properties();
        text.putAll(properties);
        // A temporary name of this write's own, as radmfa-config-support's ConfigFiles has: no other writer of etc/
        // can move it away. Not Files.createTempFile: its owner-only permissions would become the file's.
        java.nio.file.Path temporary = file.toPath().resolveSibling("." + file.getName() + "."
                + java.util.UUID.randomUUID() + ".tmp");
        try {
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(temporary)) {
                text.store(out, "Shared by the radmfa cluster");
            }
            java.nio.file.Files.move(temporary, file.toPath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            java.nio.file.Files.deleteIfExists(temporary);
        }
    }

    private String factoryPidOf(String key) {
        String longest = null;
        for (String factoryPid : factoryPids) {
            if (key.startsWith(factoryPid + "-") && (longest == null || factoryPid.length() > longest.length())) {
                longest = factoryPid;
            }
        }
        return longest;
    }

    private Configuration find(String key) {
        String factoryPid = factoryPidOf(key);
        String pid = factoryPid == null ? key : factoryPid + "~" + key.substring(factoryPid.length() + 1);
        List<Configuration> found = list("(service.pid=" + pid + ")");
        return found.isEmpty() ? null : found.get(0);
    }

    private List<Configuration> list(String filter) {
        try {
            Configuration[] configurations = configurationAdmin.listConfigurations(filter);
            return configurations == null ? List.of() : List.of(configurations);
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("cannot list configurations", e);
        }
    }

    private static String text(Object value) {
        if (value != null && value.getClass().isArray()) {
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < Array.getLength(value); i++) {
                joined.append(i == 0 ? "" : ",").append(Array.get(value, i));
            }
            return joined.toString();
        }
        return String.valueOf(value);
    }
}
