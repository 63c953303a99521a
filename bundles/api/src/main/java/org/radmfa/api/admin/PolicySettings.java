package org.radmfa.api.admin;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A policy's definition. Policies are plain configuration data: besides identity and order, every key of the
 * policy's file is a setting ({@code access}, {@code mfaRequired}, {@code condition.*}, {@code constraint.*},
 * {@code reply.*}, {@code action}, {@code directory}, ...), as docs/configuration.md documents.
 *
 * @param kind network or connection request policy
 * @param name unique within its kind
 * @param order processing order, lower first, unique within its kind
 * @param enabled a disabled policy is skipped
 * @param settings every other key, sorted
 */
public record PolicySettings(PolicyKind kind, String name, int order, boolean enabled, Map<String, String> settings) {

    public PolicySettings {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        settings = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(settings));
    }
}
