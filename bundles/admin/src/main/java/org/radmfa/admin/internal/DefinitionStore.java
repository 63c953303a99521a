package org.radmfa.admin.internal;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.DefinitionValidator;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.UnknownDefinitionException;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.config.support.ConfigFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The factory configurations of one factory PID, each identified by its {@code name} property, stored as
 * ConfigurationAdmin configurations backed by files in {@code etc/}. Not thread-safe: callers serialise changes.
 */
final class DefinitionStore {
    static final String FILE_PROPERTY = "felix.fileinstall.filename";
    /** Karaf's feature installer finds the configurations of a feature's {@code <config>} by this key. */
    private static final String FEATURE_CONFIG_KEY = "org.apache.karaf.features.configKey";
    private static final Logger LOG = LoggerFactory.getLogger(DefinitionStore.class);
    /** Set by the framework, ConfigAdmin or Karaf, never by the definition. */
    private static final Set<String> FRAMEWORK_KEYS = Set.of("service.pid", "service.factoryPid", FILE_PROPERTY,
            "service.bundleLocation", FEATURE_CONFIG_KEY);

    private final ConfigurationAdmin configurationAdmin;
    private final Path etc;
    private final String factoryPid;
    private final String kind;
    private final Supplier<Optional<DefinitionValidator>> validator;

    /**
     * @param etc the directory FileInstall watches ({@code karaf.etc}), or null to keep definitions in
     *     ConfigurationAdmin only
     * @param kind what a definition is, for messages ("RADIUS client")
     */
    DefinitionStore(ConfigurationAdmin configurationAdmin, Path etc, String factoryPid, String kind,
            Supplier<Optional<DefinitionValidator>> validator) {
        this.configurationAdmin = configurationAdmin;
        this.etc = etc;
        this.factoryPid = factoryPid;
        this.kind = kind;
        this.validator = validator;
    }

    String kind() {
        return kind;
    }

    List<StoredDefinition> all() throws AdminException {
        Configuration[] found;
        try {
            found = configurationAdmin.listConfigurations("(service.factoryPid=" + factoryPid + ")");
        } catch (IOException | InvalidSyntaxException e) {
            throw new AdminException("cannot list the " + kind + " definitions: " + e.getMessage(), e);
        }
        List<StoredDefinition> result = new ArrayList<>();
        if (found != null) {
            for (Configuration configuration : found) {
                Dictionary<String, Object> properties = configuration.getProperties();
                if (properties != null) {
                    result.add(toStored(configuration.getPid(), properties));
                }
            }
        }
        return result;
    }

    Optional<StoredDefinition> find(String name) throws AdminException {
        return all().stream().filter(d -> d.name().trim().equalsIgnoreCase(name.trim())).findFirst();
    }

    StoredDefinition require(String name) throws AdminException {
        return find(name).orElseThrow(() -> new UnknownDefinitionException(kind, name));
    }

    /**
     * Checks a definition with the owning bundle's validator, if it runs.
     *
     * @return what to store (the validator may replace values, e.g. a password by its hashes)
     */
    Map<String, String> validate(Map<String, String> properties) throws InvalidDefinitionException {
        Optional<DefinitionValidator> checker = validator.get();
        if (checker.isEmpty()) {
            return properties;
        }
        try {
            return new LinkedHashMap<>(checker.get().validate(Map.copyOf(properties)));
        } catch (InvalidConfigurationException e) {
            throw new InvalidDefinitionException(e.key(), e.reason());
        } catch (RuntimeException e) {
            // A validator that fails is no reason to store what it could not check.
            throw new InvalidDefinitionException("(definition)", "could not be checked: " + e);
        }
    }

    boolean validatorRunning() {
        return validator.get().isPresent();
    }

    /** Stores a new definition in a new file {@code etc/<factoryPid>-<alias>.cfg}. */
    StoredDefinition create(String name, Map<String, String> properties) throws AdminException {
        String alias = freeAlias(name);
        try {
            Hashtable<String, Object> dictionary = new Hashtable<>(properties);
            if (etc != null) {
                File file = etc.resolve(factoryPid + "-" + alias + ".cfg").toFile().getAbsoluteFile();
                ConfigFiles.write(file, properties, null);
                dictionary.put(FILE_PROPERTY, file.toURI().toString());
            }
            // The same named configuration FileInstall makes of that file, so that whichever of the two comes
            // first, there is one configuration.
            Configuration configuration = configurationAdmin.getFactoryConfiguration(factoryPid, alias, "?");
            configuration.update(dictionary);
            LOG.info("{} '{}' added as {}", kind, name, sourceOf(configuration.getPid(), dictionary));
            return toStored(configuration.getPid(), dictionary);
        } catch (IOException e) {
            throw new AdminException("cannot store " + kind + " '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Replaces a stored definition's properties, in its file (comments kept) and in ConfigurationAdmin. */
    StoredDefinition update(StoredDefinition existing, Map<String, String> properties) throws AdminException {
        try {
            Configuration configuration = configuration(existing);
            Map<String, String> kept = new LinkedHashMap<>(properties);
            Dictionary<String, Object> current = configuration.getProperties();
            Object featureKey = current == null ? null : current.get(FEATURE_CONFIG_KEY);
            if (featureKey != null) {
                // Kept, so that the feature that shipped the definition still knows it as its own.
                kept.put(FEATURE_CONFIG_KEY, featureKey.toString());
            }
            Hashtable<String, Object> dictionary = new Hashtable<>(kept);
            if (existing.fileUri() != null) {
                ConfigFiles.write(new File(URI.create(existing.fileUri())), kept, null);
                dictionary.put(FILE_PROPERTY, existing.fileUri());
            }
            configuration.update(dictionary);
            LOG.info("{} '{}' changed in {}", kind, properties.getOrDefault("name", existing.name()),
                    existing.source());
            return toStored(existing.pid(), dictionary);
        } catch (IOException | IllegalArgumentException e) {
            throw new AdminException("cannot store " + kind + " '" + existing.name() + "': " + e.getMessage(), e);
        }
    }

    void delete(StoredDefinition existing) throws AdminException {
        try {
            configuration(existing).delete();
            if (existing.fileUri() != null) {
                // FileInstall deletes it too when it knows the file; this covers the case where it does not.
                Files.deleteIfExists(new File(URI.create(existing.fileUri())).toPath());
            }
            LOG.info("{} '{}' removed ({})", kind, existing.name(), existing.source());
        } catch (IOException | IllegalArgumentException e) {
            throw new AdminException("cannot remove " + kind + " '" + existing.name() + "': " + e.getMessage(), e);
        }
    }

    private Configuration configuration(StoredDefinition existing) throws IOException, AdminException {
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + existing.pid() + ")");
            if (found == null || found.length == 0) {
                throw new UnknownDefinitionException(kind, existing.name());
            }
            return found[0];
        } catch (InvalidSyntaxException e) {
            throw new IOException(e);
        }
    }

    /** A file name part made of the name: lower case letters, digits, '.', '_' and '-'; unused so far. */
    private String freeAlias(String name) throws AdminException {
        String base = name.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[-.]+", "")
                .replaceAll("-+$", "");
        if (base.isEmpty()) {
            base = "unnamed";
        }
        Set<String> taken = new HashSet<>();
        for (StoredDefinition definition : all()) {
            taken.add(definition.pid());
        }
        for (int suffix = 1; suffix < 1000; suffix++) {
            String alias = suffix == 1 ? base : base + "-" + suffix;
            boolean fileTaken = etc != null && Files.exists(etc.resolve(factoryPid + "-" + alias + ".cfg"));
            if (!fileTaken && !taken.contains(factoryPid + "~" + alias)) {
                return alias;
            }
        }
        throw new AdminException("no free file name for " + kind + " '" + name + "'");
    }

    private static StoredDefinition toStored(String pid, Dictionary<String, Object> dictionary) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Enumeration<String> keys = dictionary.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (!FRAMEWORK_KEYS.contains(key)) {
                Object value = dictionary.get(key);
                properties.put(key, value instanceof String[] array ? String.join(",", array) : String.valueOf(value));
            }
        }
        Object file = dictionary.get(FILE_PROPERTY);
        return new StoredDefinition(pid, properties, file == null ? null : file.toString(),
                sourceOf(pid, dictionary));
    }

    private static String sourceOf(String pid, Dictionary<String, Object> dictionary) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("service.pid", pid);
        Object file = dictionary.get(FILE_PROPERTY);
        if (file != null) {
            map.put(FILE_PROPERTY, file);
        }
        return ConfigReader.sourceOf(map);
    }
}
