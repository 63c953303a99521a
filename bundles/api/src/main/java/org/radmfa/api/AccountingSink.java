package org.radmfa.api;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where accounting records go: files, a database. The transport sends the Accounting-Response only after at least
 * one sink has made the record durable; until then the NAS keeps retrying, which is RADIUS's own guarantee.
 */
@ConsumerType
public interface AccountingSink {

    String name();

    /**
     * How much waits in a local spool for a remote store (a database away): the number of spool segments, each a
     * batch of records made durable together; -1 for a sink without a spool.
     *
     * @since 1.11
     */
    default long spoolSegments() {
        return -1;
    }

    /** Completes normally once the record is durable, exceptionally if it could not be made so. */
    CompletionStage<Void> store(AccountingRecord record);
}
