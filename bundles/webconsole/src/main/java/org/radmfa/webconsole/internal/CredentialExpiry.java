package org.radmfa.webconsole.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The expiry of an MFA connector's credential, from the connector service's properties: the Entra connector
 * publishes {@code credentialExpires} (an ISO date, from its client secret's configured expiry or its certificate's
 * notAfter) and {@code credentialExpiryWarningDays}; an older one only {@code clientSecretExpires}.
 */
final class CredentialExpiry {

    static final String EXPIRES_PROPERTY = "credentialExpires";
    static final String SECRET_EXPIRES_PROPERTY = "clientSecretExpires";
    static final String WARNING_DAYS_PROPERTY = "credentialExpiryWarningDays";
    private static final long DEFAULT_WARNING_DAYS = 30;

    private CredentialExpiry() {
    }

    /** A line for the dashboard, or null when the connector publishes no expiry date. */
    static String describe(String connector, Map<String, ?> properties, Instant now) {
        Object expires = properties.get(EXPIRES_PROPERTY) != null ? properties.get(EXPIRES_PROPERTY)
                : properties.get(SECRET_EXPIRES_PROPERTY);
        if (expires == null || expires.toString().isBlank()) {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.parse(expires.toString().trim());
        } catch (DateTimeParseException e) {
            return connector + ": credential expiry '" + expires + "' is not a date (yyyy-mm-dd)";
        }
        Instant expiry = date.atStartOfDay(ZoneOffset.UTC).toInstant();
        long warningDays = DEFAULT_WARNING_DAYS;
        Object configured = properties.get(WARNING_DAYS_PROPERTY);
        if (configured != null) {
            try {
                warningDays = Long.parseLong(configured.toString().trim());
            } catch (NumberFormatException e) {
                // the connector refuses such a configuration itself; keep the default here
            }
        }
        if (!expiry.isAfter(now)) {
            return "EXPIRED: " + connector + " credential expired on " + date + "; MFA answers unavailable";
        }
        long daysLeft = Duration.between(now, expiry).toDays();
        return (daysLeft < warningDays ? "WARNING: " : "") + connector + " credential expires on " + date + " ("
                + daysLeft + " days left)";
    }
}
