package org.radmfa.api.config;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A component's configuration type (its metatype {@code @ObjectClassDefinition} interface) as the one source of its
 * keys and defaults: {@link #read} gives a {@link ConfigReader} whose getters without a default take the type's,
 * and whose {@link ConfigReader#unknownKeys()} knows the type's keys. Reading stays strict (file, key and reason on
 * every refusal), which a converted annotation cannot be: it throws a bare exception on the first bad value.
 *
 * <p>Keys follow the Declarative Services rules for component property types (OSGi Compendium 112.8.2.2):
 * {@code batchSize()} is {@code batchSize}, {@code tls_enabled()} is {@code tls.enabled}, {@code _password()} is
 * {@code .password} (private: a leading dot keeps a secret out of service properties), {@code a__b()} is
 * {@code a_b}, {@code a$_$b()} is {@code a-b}.
 *
 * @since 1.1
 */
public final class ConfigType {
    private final Class<? extends Annotation> type;
    private final Map<String, Object> defaults;

    private ConfigType(Class<? extends Annotation> type, Map<String, Object> defaults) {
        this.type = type;
        this.defaults = defaults;
    }

    /** The keys and defaults of a component property type; a method without a default has a null default. */
    public static ConfigType of(Class<? extends Annotation> type) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (Method method : type.getDeclaredMethods()) {
            if (method.getParameterCount() == 0 && !method.isSynthetic()) {
                defaults.put(key(method.getName()), method.getDefaultValue());
            }
        }
        return new ConfigType(type, Collections.unmodifiableMap(defaults));
    }

    /** A strict reader of these properties with this type's keys and defaults. */
    public ConfigReader read(Map<String, ?> properties) {
        return new ConfigReader(properties, this);
    }

    /** The property name for a component property type's method name. */
    public static String key(String methodName) {
        StringBuilder key = new StringBuilder(methodName.length());
        for (int i = 0; i < methodName.length(); i++) {
            char c = methodName.charAt(i);
            if (c == '$') {
                if (methodName.startsWith("$_$", i)) {
                    key.append('-');
                    i += 2;
                } else if (methodName.startsWith("$$", i)) {
                    key.append('$');
                    i++;
                }
            } else if (c == '_') {
                if (methodName.startsWith("__", i)) {
                    key.append('_');
                    i++;
                } else {
                    key.append('.');
                }
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    /** Every key of the type, in declaration order. */
    public List<String> keys() {
        return List.copyOf(defaults.keySet());
    }

    /** Whether the type declares this key. */
    public boolean declares(String key) {
        return defaults.containsKey(key);
    }

    /**
     * The type's default for a key, as declared: a String, Integer, Long, Boolean, an enum constant, or an array.
     *
     * @throws IllegalArgumentException when the type declares no such key: a misspelt key in the code, not in the
     *         configuration
     */
    public Object defaultValue(String key) {
        if (!defaults.containsKey(key)) {
            throw new IllegalArgumentException(type.getName() + " declares no configuration key '" + key + "'");
        }
        return defaults.get(key);
    }

    @Override
    public String toString() {
        return "ConfigType[" + type.getName() + " " + defaults.keySet() + "]";
    }
}
