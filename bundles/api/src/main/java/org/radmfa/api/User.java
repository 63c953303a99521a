package org.radmfa.api;

import java.util.Objects;
import java.util.Set;

/**
 * A user as the directory knows them after primary authentication.
 *
 * @param name the canonical user name in the directory
 * @param groups group names, looked up once per request
 * @param directory the name of the directory that authenticated the user
 * @param dialIn the account's dial-in properties ({@link DialIn#NONE} where the directory keeps none); since 1.13
 */
public record User(String name, Set<String> groups, String directory, DialIn dialIn) {

    public User {
        groups = Set.copyOf(groups);
        Objects.requireNonNull(dialIn, "dialIn");
    }

    /** A user whose account has no dial-in properties: network policies alone decide. */
    public User(String name, Set<String> groups, String directory) {
        this(name, groups, directory, DialIn.NONE);
    }
}
