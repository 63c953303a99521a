package org.radmfa.management.command;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The times {@code radmfa:audit-search} takes: an instant ({@code 2026-12-05T09:00:00Z}, or with an offset), a date
 * and time or a date without zone (UTC, as the files are), {@code now}, or a time relative to now ({@code -2h},
 * {@code -30m}, {@code -7d}, {@code -90s}).
 */
final class AuditTimes {
    private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,9})([smhd])");

    private AuditTimes() {
    }

    /** Null for null; @throws IllegalArgumentException naming the option for anything else it cannot read. */
    static Instant parse(String option, String text, Instant now) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.strip();
        if (value.equalsIgnoreCase("now")) {
            return now;
        }
        Matcher relative = RELATIVE.matcher(value.toLowerCase(Locale.ROOT));
        if (relative.matches()) {
            long amount = Long.parseLong(relative.group(1));
            return now.minus(switch (relative.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notWithOffset) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notDateTime) {
                try {
                    return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(option + " '" + value + "' is not a time: give an ISO-8601"
                            + " time (2026-12-05T09:00:00Z; without zone: UTC), a date (2026-12-05), now, or a time"
                            + " before now (-90s, -30m, -2h, -7d)");
                }
            }
        }
    }
}
