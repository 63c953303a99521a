package org.radmfa.api.admin;

/**
 * A stored policy.
 *
 * @param settings its definition
 * @param source the file it is kept in, or its PID
 */
public record PolicyEntry(PolicySettings settings, String source) {
}
