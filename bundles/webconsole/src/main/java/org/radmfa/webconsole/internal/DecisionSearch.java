package org.radmfa.webconsole.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.radmfa.api.DecisionRecord;

/**
 * A search of the decision log (the decisions {@code radmfa:decisions} shows, as many as the pipeline's
 * {@code decisionLogSize} keeps): every criterion given must match. User and client match anywhere in the name, case
 * ignored; the correlation id from its start (the NAS's Class attribute carries it whole); times are UTC.
 *
 * @param user part of the User-Name, or null
 * @param client part of the client's name, or null
 * @param correlationId the start of the correlation id, or null
 * @param from decided at or after, or null
 * @param to decided before, or null
 */
record DecisionSearch(String user, String client, String correlationId, Instant from, Instant to) {

    /** The most decisions one search reads from the log (its size is decisionLogSize, 1000 by default). */
    static final int MAX_SEARCHED = 100_000;

    /** The most decisions one search returns, newest first. */
    static final int MAX_RESULTS = 200;

    /**
     * The search the query parameters ask for.
     *
     * @throws IllegalArgumentException for a time that is neither an instant ({@code 2026-12-05T09:00:00Z}) nor a
     *     date and time without zone ({@code 2026-12-05T09:00}, as a browser's datetime-local field sends it; UTC)
     */
    static DecisionSearch of(Function<String, String> parameter) {
        return new DecisionSearch(text(parameter.apply("user")), text(parameter.apply("client")),
                text(parameter.apply("correlationId")), time("from", parameter.apply("from")),
                time("to", parameter.apply("to")));
    }

    boolean matches(DecisionRecord record) {
        return contains(record.userName(), user) && contains(record.client(), client)
                && (correlationId == null || record.correlationId() != null
                        && record.correlationId().toLowerCase(Locale.ROOT)
                                .startsWith(correlationId.toLowerCase(Locale.ROOT)))
                && (from == null || record.time() != null && !record.time().isBefore(from))
                && (to == null || record.time() != null && record.time().isBefore(to));
    }

    /** The matching decisions among {@code log} (newest first), at most {@link #MAX_RESULTS}. */
    List<DecisionRecord> apply(List<DecisionRecord> log) {
        List<DecisionRecord> found = new ArrayList<>();
        for (DecisionRecord record : log) {
            if (matches(record)) {
                found.add(record);
                if (found.size() == MAX_RESULTS) {
                    break;
                }
            }
        }
        return found;
    }

    private static boolean contains(String value, String part) {
        return part == null || value != null && value.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
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
