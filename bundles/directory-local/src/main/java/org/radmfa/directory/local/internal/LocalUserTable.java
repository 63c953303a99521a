package org.radmfa.directory.local.internal;

/** Where each user definition puts itself; private to this bundle. */
interface LocalUserTable {

    /** @throws IllegalArgumentException when another definition already has this user name */
    void put(String key, LocalUser user, String source);

    void remove(String key);
}
