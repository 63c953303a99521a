package org.radmfa.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The RADIUS server's counters, per client, for the shell, the web console and monitoring. */
@ProviderType
public interface RadiusStatistics {

    /** One entry per client that has sent anything since the server started, ordered by name. */
    List<ClientStatistics> clients();

    /**
     * Every configured listener, open or not, so that a health check can tell a port that could not be bound (in use,
     * no such address) from one that serves.
     *
     * @since 1.9
     */
    default List<ListenerStatus> listeners() {
        return List.of();
    }
}
