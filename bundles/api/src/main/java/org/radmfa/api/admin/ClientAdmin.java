package org.radmfa.api.admin;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** Adds, changes and removes RADIUS clients ({@code etc/org.radmfa.client-<name>.cfg}). */
@ProviderType
public interface ClientAdmin {
    /**
     * The factory PID of RADIUS client configurations ({@code etc/org.radmfa.client-<name>.cfg}).
     *
     * @since 1.2
     */
    String FACTORY_PID = "org.radmfa.client";


    /** Every stored client, ordered by name. */
    List<ClientEntry> clients() throws AdminException;

    /** The client with this friendly name (case ignored). */
    Optional<ClientEntry> client(String name) throws AdminException;

    /**
     * Adds a client, or replaces the settings of the client with this name.
     *
     * @param secret the shared secret; required for a new client, null to keep an existing client's
     * @throws InvalidDefinitionException when a value does not validate, or the name or address is taken
     */
    ClientEntry put(ClientSettings settings, String secret) throws AdminException;

    /**
     * Checks a client as {@link #put} would, against the stored clients, and stores nothing: for importers that must
     * know that a whole set of changes is accepted before making the first.
     *
     * @throws InvalidDefinitionException when {@link #put} would refuse it
     * @since 1.1
     */
    void check(ClientSettings settings, String secret) throws AdminException;

    /** Sets (rotates) a client's shared secret. */
    ClientEntry setSecret(String name, String secret) throws AdminException;

    /** Removes a client; its requests get no answer from then on. @return false when there was none */
    boolean remove(String name) throws AdminException;
}
