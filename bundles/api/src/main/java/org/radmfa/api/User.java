package org.radmfa.api;

import java.util.Set;

/**
 * A user as the directory knows them after primary authentication.
 *
 * @param name the canonical user name in the directory
 * @param groups group names, looked up once per request
 * @param directory the name of the directory that authenticated the user
 */
public record User(String name, Set<String> groups, String directory) {

    public User {
        groups = Set.copyOf(groups);
    }
}
