package org.radmfa.webconsole.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The expiry of an MFA connector's credential, from the connector service's properties: DS publishes a component's
 * configuration as service properties, so the Entra connector's {@code clientSecretExpires} (an ISO date) and
 * {@code credentialExpiryWarningDays} are there. A certificate's expiry is not (it is read from the certificate
 * file): the connector logs it.
 */
final class CredentialExpiry {

    static final String EXPIRES_PROPERTY = "clientSecretExpires";
    static final String WARNING_DAYS_PROPERTY = "credentialExpiryWarningDays";
    private static final long DEFAULT_WARNING_DAYS = 30;

    private CredentialExpiry() {
    }

    /** A line for the dashboard, or null when the connector publishes no expiry date. */
    static String describe(String connector, Map<String, ?> properties, Instant now) {
        Object expires = properties.get(EXPIRES_PROPERTY);
        if (expires == null || expires.toString().isBlank()) {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.parse(expires.toString().trim());
        } catch (DateTimeParseException e) {
            return connector + ": client secret expiry '" + expires + "' is not a date (yyyy-mm-dd)";
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
            return "EXPIRED: " + connector + " client secret expired on " + date + "; MFA answers unavailable";
        }
        long daysLeft = Duration.between(now, expiry).toDays();
        return (daysLeft < warningDays ? "WARNING: " : "") + connector + " client secret expires on " + date + " ("
                + daysLeft + " days left)";
    }
}
