package org.radmfa.api.audit;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Searches the audit trail kept on disk, which reaches further back than the in-memory decision log. The work of one
 * search is bounded: a search that would read more than the sink's limit of lines stops and says where
 * ({@link AuditSearchResult#stoppedAt()}), and a damaged line is skipped and counted, never a failure.
 */
@ProviderType
public interface AuditSearch {

    /**
     * The decisions that match every criterion of the query, newest first, at most {@link AuditQuery#limit()}.
     *
     * @throws IllegalStateException when the trail cannot be searched now (not configured, or not written as JSON
     *     lines), with the reason
     * @throws java.io.UncheckedIOException when its directory cannot be read
     */
    AuditSearchResult search(AuditQuery query);

    /**
     * The newest decision with this correlation id (an Access-Accept carries it in Class as
     * {@code radmfa:<correlationId>}), with its trace, request origin and reply attribute names; empty when the
     * trail does not have it (anymore) or the search stopped at its limit before it.
     *
     * @throws IllegalStateException as {@link #search(AuditQuery)}
     * @throws java.io.UncheckedIOException as {@link #search(AuditQuery)}
     */
    Optional<AuditedDecision> decision(String correlationId);

    /** What is searched, for operators: e.g. "audit file 'default' in /var/lib/radmfa/audit". */
    String description();
}
