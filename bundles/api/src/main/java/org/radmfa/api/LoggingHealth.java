package org.radmfa.api;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Whether a logging sink (an accounting or audit file) can write, offered by each sink so that the request pipeline
 * and operators can see it. NPS's "if logging fails, discard connection requests" is {@link #discardsRequests()}:
 * while it is true the pipeline turns Access-Requests away instead of letting users in unlogged.
 *
 * @since 1.5
 */
@ProviderType
public interface LoggingHealth {

    /** The sink's name, as in its log lines, e.g. "accounting file 'dts'". */
    String name();

    /** Why the sink cannot write right now (a write error, free space below its threshold), or empty while it can. */
    Optional<String> failure();

    /** True while the sink fails and its configured policy is to discard requests until logging works again. */
    boolean discardsRequests();

    /** Records refused since the sink started, because they could not be made durable. */
    long refusedRecords();

    /**
     * Records accepted but not yet written: a queue waiting for the disk or the network, or a spool waiting for a
     * database; -1 where the sink keeps none.
     *
     * @since 1.11
     */
    default long queuedRecords() {
        return -1;
    }
}
