package org.radmfa.webconsole.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.radmfa.api.DecisionRecord;
import org.radmfa.api.audit.AuditQuery;
import org.radmfa.api.audit.AuditedDecision;

/**
 * A search of the audit trail as the page's form asks for it: every criterion given must match, as
 * {@link AuditQuery#matches} says. User and client match anywhere in the name, case ignored (the client also by the
 * NAS's address, whole); the correlation id from its start (the NAS's Class attribute carries it whole); outcome or
 * reason by name or NPS number; times are UTC. The same search runs over the audit files when the audit file offers
 * it, else over the decisions kept in memory (as many as the pipeline's {@code decisionLogSize} keeps).
 *
 * @param user part of the User-Name, or null
 * @param client part of the client's name, or null
 * @param correlationId the start of the correlation id, or null
 * @param reason an outcome, reason code name or NPS reason code number, or null
 * @param from decided at or after, or null
 * @param to decided before, or null
 */
record DecisionSearch(String user, String client, String correlationId, String reason, Instant from, Instant to) {

    /** The most decisions one search reads from the log (its size is decisionLogSize, 1000 by default). */
    static final int MAX_SEARCHED = 100_000;

    /** The most decisions one search returns, newest first. */
    static final int MAX_RESULTS = 200;

    /**
     * The search the query parameters ask for.
     *
     * @throws IllegalArgumentException for a time that is neither an instant ({@code 2026-12-05T09:00:00Z}) nor a
     *     date and time without zone ({@code 2026-12-05T09:00}, as a browser's datetime-local field sends it; UTC),
     *     or for a range that ends before it starts
     */
    static DecisionSearch of(Function<String, String> parameter) {
        DecisionSearch search = new DecisionSearch(text(parameter.apply("user")), text(parameter.apply("client")),
                text(parameter.apply("correlationId")), text(parameter.apply("reason")),
                time("from", parameter.apply("from")), time("to", parameter.apply("to")));
        search.query();
        return search;
    }

    /** The search as the audit trail takes it, at most {@link #MAX_RESULTS}. */
    AuditQuery query() {
        return new AuditQuery(user, false, client, correlationId, reason, from, to, MAX_RESULTS);
    }

    boolean matches(DecisionRecord record) {
        return query().matches(AuditedDecision.of(record, "memory"));
    }

    /** The matching decisions among {@code log} (newest first), at most {@link #MAX_RESULTS}. */
    List<DecisionRecord> apply(List<DecisionRecord> log) {
        List<DecisionRecord> found = new ArrayList<>();
        AuditQuery query = query();
        for (DecisionRecord record : log) {
            if (query.matches(AuditedDecision.of(record, "memory"))) {
                found.add(record);
                if (found.size() == MAX_RESULTS) {
                    break;
                }
            }
        }
        return found;
    }

    private static String text(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Instant time(String name, String value) {
        String text = text(value);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + name + "' is not a time (2026-12-05T09:00, UTC): " + text);
            }
        }
    }
}
