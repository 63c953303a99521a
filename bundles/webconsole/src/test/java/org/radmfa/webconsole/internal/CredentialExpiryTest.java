package org.radmfa.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CredentialExpiryTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void farAwayIsInformation() {
        assertEquals("entra credential expires on 2027-06-30 (216 days left)",
                CredentialExpiry.describe("entra", Map.of("clientSecretExpires", "2027-06-30"), NOW));
    }

    @Test
    void withinTheWarningPeriodIsAWarning() {
        assertEquals("WARNING: entra credential expires on 2026-12-10 (14 days left)",
                CredentialExpiry.describe("entra", Map.of("clientSecretExpires", "2026-12-10"), NOW));
        assertEquals("entra credential expires on 2026-12-10 (14 days left)", CredentialExpiry.describe("entra",
                Map.of("clientSecretExpires", "2026-12-10", "credentialExpiryWarningDays", "7"), NOW));
    }

    @Test
    void pastIsExpired() {
        assertEquals("EXPIRED: entra credential expired on 2026-11-01; MFA answers unavailable",
                CredentialExpiry.describe("entra", Map.of("clientSecretExpires", "2026-11-01"), NOW));
    }

    @Test
    void noDateNoLine() {
        assertNull(CredentialExpiry.describe("otp", Map.of("connector", "otp"), NOW));
    }

    @Test
    void aCertificatesExpiryPublishedAsCredentialExpiresIsShownToo() {
        assertEquals("WARNING: entra credential expires on 2026-12-10 (14 days left)",
                CredentialExpiry.describe("entra", Map.of("credentialExpires", "2026-12-10"), NOW));
    }
}
