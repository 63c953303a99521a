package org.radmfa.directory.local.internal;

import java.util.Set;

/** A user of the local store as configured: never the clear-text password. */
record LocalUser(String name, PasswordHash passwordHash, Set<String> groups, boolean enabled) {

    LocalUser {
        groups = Set.copyOf(groups);
    }
}
