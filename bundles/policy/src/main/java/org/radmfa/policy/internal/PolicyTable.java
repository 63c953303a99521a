package org.radmfa.policy.internal;

/** Where each policy definition puts itself; private to this bundle. */
interface PolicyTable {

    /** @throws IllegalArgumentException when another policy has the same name or processing order */
    void put(String key, NetworkPolicy policy, String source);

    void remove(String key);
}
