package org.radmfa.api.admin;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Adds, changes and removes the servers of remote RADIUS server groups, which connection request policies with
 * {@code action = forward} send requests to ({@code etc/org.radmfa.proxy.server-<name>.cfg}). A server is
 * identified by its group and its name; a group exists while a server names it. The shared secret is stored
 * sealed by the vault and never comes back out.
 *
 * @since 1.2
 */
@ProviderType
public interface RemoteServerAdmin {

    /** Every stored server, ordered by group, priority and name. */
    List<RemoteServerEntry> servers() throws AdminException;

    /** The server with this name in this group (case ignored). */
    Optional<RemoteServerEntry> server(String group, String name) throws AdminException;

    /**
     * Adds a server, or replaces the settings of the server with this group and name.
     *
     * @param secret the shared secret; required for a new server, null to keep an existing server's
     * @throws InvalidDefinitionException when a value does not validate
     */
    RemoteServerEntry put(RemoteServerSettings settings, String secret) throws AdminException;

    /**
     * Checks a server as {@link #put} would, and stores nothing.
     *
     * @throws InvalidDefinitionException when {@link #put} would refuse it
     */
    void check(RemoteServerSettings settings, String secret) throws AdminException;

    /** Removes a server; requests go to the other servers of its group. @return false when there was none */
    boolean remove(String group, String name) throws AdminException;
}
