package org.radmfa.api.audit;

import java.time.Instant;
import java.util.Locale;

/**
 * What to look for in the audit trail; every criterion given must match, a null criterion matches everything. Text is
 * compared with case ignored. Build it from {@link #all()} with the {@code with...} methods.
 *
 * @param user part of the User-Name, or the whole of it when {@code exactUser}
 * @param exactUser whether {@code user} must be the whole User-Name
 * @param client part of the RADIUS client's name, or the NAS's address or identifier as the request gave it
 *     (NAS-IP-Address, NAS-IPv6-Address, NAS-Identifier), whole
 * @param correlationId the start of the correlation id (the NAS's Class attribute carries it whole)
 * @param outcomeOrReason an outcome (ACCEPT, REJECT, CHALLENGE), a reason code name (AUTHENTICATION_FAILED) or an
 *     NPS reason code number (16)
 * @param from decided at or after, or null
 * @param to decided before, or null
 * @param limit the most decisions returned, 1 to {@link #MAX_LIMIT}
 */
public record AuditQuery(String user, boolean exactUser, String client, String correlationId, String outcomeOrReason,
        Instant from, Instant to, int limit) {

    /** The limit of a query that does not say. */
    public static final int DEFAULT_LIMIT = 100;
    /** The most decisions one search returns. */
    public static final int MAX_LIMIT = 10_000;

    /**
     * @throws IllegalArgumentException when the limit is out of range or {@code from} is not before {@code to}
     */
    public AuditQuery {
        user = blankToNull(user);
        client = blankToNull(client);
        correlationId = blankToNull(correlationId);
        outcomeOrReason = blankToNull(outcomeOrReason);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("the limit must be 1 to " + MAX_LIMIT + ": " + limit);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("'from' (" + from + ") must be before 'to' (" + to + ")");
        }
    }

    /** Every decision, newest first, at most {@link #DEFAULT_LIMIT}. */
    public static AuditQuery all() {
        return new AuditQuery(null, false, null, null, null, null, null, DEFAULT_LIMIT);
    }

    /** User-Names that contain this text. */
    public AuditQuery withUser(String part) {
        return new AuditQuery(part, false, client, correlationId, outcomeOrReason, from, to, limit);
    }

    /** This User-Name, whole. */
    public AuditQuery withExactUser(String name) {
        return new AuditQuery(name, true, client, correlationId, outcomeOrReason, from, to, limit);
    }

    public AuditQuery withClient(String nameOrAddress) {
        return new AuditQuery(user, exactUser, nameOrAddress, correlationId, outcomeOrReason, from, to, limit);
    }

    public AuditQuery withCorrelationId(String start) {
        return new AuditQuery(user, exactUser, client, start, outcomeOrReason, from, to, limit);
    }

    public AuditQuery withOutcomeOrReason(String outcomeOrReasonCode) {
        return new AuditQuery(user, exactUser, client, correlationId, outcomeOrReasonCode, from, to, limit);
    }

    /** Decided in [from, to); either may be null. */
    public AuditQuery withTimes(Instant from, Instant to) {
        return new AuditQuery(user, exactUser, client, correlationId, outcomeOrReason, from, to, limit);
    }

    public AuditQuery withLimit(int limit) {
        return new AuditQuery(user, exactUser, client, correlationId, outcomeOrReason, from, to, limit);
    }

    /** Whether the decision's time is in [from, to); a decision without a time is outside any range. */
    public boolean inTimeRange(Instant time) {
        if (from == null && to == null) {
            return true;
        }
        return time != null && (from == null || !time.isBefore(from)) && (to == null || time.isBefore(to));
    }

    /** Whether the decision matches every criterion. */
    public boolean matches(AuditedDecision decision) {
        return inTimeRange(decision.time()) && userMatches(decision.user())
                && (client == null || contains(decision.client(), client) || decision.nasMatches(client))
                && (correlationId == null || decision.correlationId() != null && decision.correlationId()
                        .toLowerCase(Locale.ROOT).startsWith(correlationId.toLowerCase(Locale.ROOT)))
                && (outcomeOrReason == null || outcomeOrReason.equalsIgnoreCase(decision.outcome())
                        || outcomeOrReason.equalsIgnoreCase(decision.reason())
                        || outcomeOrReason.equals(String.valueOf(decision.npsReasonCode())));
    }

    private boolean userMatches(String name) {
        if (user == null) {
            return true;
        }
        return exactUser ? user.equalsIgnoreCase(name) : contains(name, user);
    }

    private static boolean contains(String value, String part) {
        return value != null && value.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
