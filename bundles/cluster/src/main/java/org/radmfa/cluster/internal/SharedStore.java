package org.radmfa.cluster.internal;

import java.util.Collection;

/** The cluster-wide copy of the shared configurations: a Hazelcast map in the appliance. */
interface SharedStore {

    SharedEntry get(String key);

    Collection<SharedEntry> all();

    /**
     * Stores the entry unless the store already holds a newer one for its key (compare and set, so two nodes
     * publishing at once cannot overwrite the newer edit with the older).
     *
     * @return the entry the store holds afterwards
     */
    SharedEntry putIfNewer(SharedEntry entry);
}
