package org.radmfa.clients.internal;

import org.radmfa.api.RadiusClient;

/** Where each client definition puts itself; private to this bundle. */
interface ClientTable {

    /**
     * Adds or replaces the definition with this key.
     *
     * @throws IllegalArgumentException when the name or address is already taken by another definition
     */
    void put(String key, RadiusClient client, AddressMatcher matcher, String source);

    void remove(String key);
}
