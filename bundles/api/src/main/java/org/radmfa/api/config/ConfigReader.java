package org.radmfa.api.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, strict access to a component's configuration properties. Each getter either returns a valid value or
 * throws an {@link InvalidConfigurationException} that names the file and the key.
 */
public final class ConfigReader {
    /** Felix FileInstall records the file a configuration came from under this property. */
    private static final String FILE_PROPERTY = "felix.fileinstall.filename";
    private static final Set<String> FRAMEWORK_KEYS = Set.of("service.pid", "service.factoryPid",
            "component.name", "component.id", FILE_PROPERTY, "service.bundleLocation",
            "org.apache.karaf.features.configKey", "osgi.ds.satisfying.condition.target");

    private final Map<String, ?> properties;
    private final String source;
    private final ConfigType type;

    public ConfigReader(Map<String, ?> properties) {
        this(properties, null);
    }

    ConfigReader(Map<String, ?> properties, ConfigType type) {
        this.properties = properties;
        this.source = sourceOf(properties);
        this.type = type;
    }

    /** The file name (without directories) a configuration came from, or its PID. */
    public static String sourceOf(Map<String, ?> properties) {
        Object file = properties.get(FILE_PROPERTY);
        if (file != null) {
            String path = file.toString();
            return "etc/" + path.substring(path.lastIndexOf('/') + 1);
        }
        Object pid = properties.get("service.pid");
        return pid == null ? "(configuration without PID)" : "configuration " + pid;
    }

    public String source() {
        return source;
    }

    public InvalidConfigurationException invalid(String key, String reason) {
        return new InvalidConfigurationException(source, key, reason);
    }

    /**
     * The value of {@code key} is sealed ({@value ConfigChecks#SEALED}...) and no secret vault runs to open it: not
     * a mistake in the file, it {@linkplain InvalidConfigurationException#waitsForVault() waits for the vault}.
     *
     * @since 1.3
     */
    public InvalidConfigurationException waitsForVault(String key) {
        return new InvalidConfigurationException(source, key,
                "is sealed (" + ConfigChecks.SEALED + "...) but no secret vault is running", true);
    }

    /** A non-blank string. */
    public String requiredString(String key) throws InvalidConfigurationException {
        String value = string(key, null);
        if (value == null || value.isBlank()) {
            throw invalid(key, "is required and must not be empty");
        }
        return value;
    }

    /** The trimmed string, or the default when the key is absent. */
    public String string(String key, String defaultValue) {
        Object value = properties.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof String[] array) {
            return String.join(",", array).trim();
        }
        return value.toString().trim();
    }

    /** "true" or "false" (any case); anything else is refused rather than read as false. */
    public boolean bool(String key, boolean defaultValue) throws InvalidConfigurationException {
        Object value = properties.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().trim();
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw invalid(key, "'" + text + "' is not true or false");
    }

    /** An integer within [min, max]. */
    public int integer(String key, int defaultValue, int min, int max) throws InvalidConfigurationException {
        Object value = properties.get(key);
        if (value == null) {
            return defaultValue;
        }
        int result;
        if (value instanceof Number number) {
            result = number.intValue();
        } else {
            try {
                result = Integer.parseInt(value.toString().trim());
            } catch (NumberFormatException e) {
                throw invalid(key, "'" + value + "' is not a whole number");
            }
        }
        if (result < min || result > max) {
            throw invalid(key, result + " is out of range " + min + ".." + max);
        }
        return result;
    }

    /**
     * The trimmed string, or the configuration type's default.
     *
     * @since 1.1
     */
    public String string(String key) {
        Object declared = declaredDefault(key);
        return string(key, declared == null ? null : declared.toString());
    }

    /**
     * "true" or "false", or the configuration type's default.
     *
     * @since 1.1
     */
    public boolean bool(String key) throws InvalidConfigurationException {
        return bool(key, (Boolean) declaredDefault(key));
    }

    /**
     * An integer within [min, max], or the configuration type's default.
     *
     * @since 1.1
     */
    public int integer(String key, int min, int max) throws InvalidConfigurationException {
        return integer(key, ((Number) declaredDefault(key)).intValue(), min, max);
    }

    /**
     * Keys that are neither declared by the configuration type nor set by the framework: most likely typos.
     *
     * @since 1.1
     */
    public List<String> unknownKeys(String... knownPrefixes) {
        return unknownKeys(Set.copyOf(requireType().keys()), knownPrefixes);
    }

    private Object declaredDefault(String key) {
        return requireType().defaultValue(key);
    }

    private ConfigType requireType() {
        if (type == null) {
            throw new IllegalStateException("this reader has no configuration type: use ConfigType.read");
        }
        return type;
    }

    /** A comma-separated list (or a String[] / collection), trimmed, empty entries dropped. */
    public List<String> list(String key) {
        Object value = properties.get(key);
        List<String> raw = new ArrayList<>();
        if (value == null) {
            return List.of();
        } else if (value instanceof String[] array) {
            raw.addAll(Arrays.asList(array));
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(item -> raw.add(String.valueOf(item)));
        } else {
            raw.addAll(Arrays.asList(value.toString().split(",")));
        }
        return raw.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Every key starting with the prefix, the prefix removed, in the key order of the properties. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        properties.keySet().stream().filter(k -> k.startsWith(prefix) && k.length() > prefix.length()).sorted()
                .forEach(k -> result.put(k.substring(prefix.length()), string(k, "")));
        return result;
    }

    /** Keys that are neither known to the component nor set by the framework: most likely typos. */
    public List<String> unknownKeys(Set<String> known, String... knownPrefixes) {
        return properties.keySet().stream()
                .filter(k -> !known.contains(k) && !FRAMEWORK_KEYS.contains(k) && !k.startsWith("."))
                .filter(k -> Arrays.stream(knownPrefixes).noneMatch(k::startsWith))
                .sorted().toList();
    }
}
