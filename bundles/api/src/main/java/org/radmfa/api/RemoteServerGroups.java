package org.radmfa.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The remote RADIUS server groups the appliance forwards to and the state of their servers, for operators.
 *
 * @since 1.9
 */
@ProviderType
public interface RemoteServerGroups {

    /** Every configured remote server, ordered by group, priority and name. */
    List<RemoteServerStatus> servers();

    /**
     * Forwarded Accounting-Requests that no server of their group has acknowledged yet, kept on disk and replayed
     * when one answers.
     *
     * @since 1.11
     */
    default int spooledAccounting() {
        return 0;
    }
}
