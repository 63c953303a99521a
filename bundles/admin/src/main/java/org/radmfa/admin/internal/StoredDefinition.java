package org.radmfa.admin.internal;

import java.util.Map;

/**
 * One factory configuration as stored: its PID, its properties (values as text, framework keys left out), the file
 * behind it (null when it has none) and where it came from, for messages.
 */
record StoredDefinition(String pid, Map<String, String> properties, String fileUri, String source) {

    StoredDefinition {
        properties = Map.copyOf(properties);
    }

    String name() {
        return properties.getOrDefault("name", "");
    }

    String get(String key, String defaultValue) {
        String value = properties.get(key);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }
}
