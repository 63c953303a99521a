package org.radmfa.mfa.entra.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collections;
import java.util.Dictionary;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

class EntraServicePropertiesTest {

    @Test
    void theConnectorServiceCarriesItsSelectorAndExpiryButNoSecret() {
        Dictionary<String, Object> published = EntraConnector.serviceProperties(Map.of("tenantId", "t",
                "clientId", "c", ".clientSecret", "very-secret", ".certificatePassword", "also-secret", "clientSecret",
                "legacy-secret",
                "clientSecretExpires", "2027-01-31", "credentialExpiryWarningDays", "14"),
                java.time.Instant.parse("2027-01-31T00:00:00Z"));
        assertEquals(Set.of("connector", "credentialExpires", "clientSecretExpires", "credentialExpiryWarningDays"),
                new TreeSet<>(Collections.list(published.keys())));
        assertEquals("entra", published.get("connector"));
        assertEquals("2027-01-31", published.get("credentialExpires"));
        assertEquals("14", published.get("credentialExpiryWarningDays"));
    }
}
