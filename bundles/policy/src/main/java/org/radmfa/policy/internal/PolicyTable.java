package org.radmfa.policy.internal;

/** Where each policy definition puts itself; private to this bundle. */
interface PolicyTable {

    /** @throws IllegalArgumentException when another network policy has the same name or processing order */
    void put(String key, NetworkPolicy policy, String source);

    /** @throws IllegalArgumentException when another connection request policy has the same name or order */
    void put(String key, ConnectionRequestPolicy policy, String source);

    /** Removes whatever policy the key defined. */
    void remove(String key);
}
