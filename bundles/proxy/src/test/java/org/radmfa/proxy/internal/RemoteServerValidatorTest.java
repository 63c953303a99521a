package org.radmfa.proxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.radmfa.api.config.InvalidConfigurationException;

/** What the admin service stores is checked by the parser that reads the file, with the same defaults. */
class RemoteServerValidatorTest {
    private final RemoteServerValidator validator = new RemoteServerValidator();

    private static Map<String, String> valid() {
        Map<String, String> values = new HashMap<>();
        values.put("name", "fr1");
        values.put("group", "partners");
        values.put("address", "127.0.0.1");
        values.put("secret", "s3cret");
        values.put("authPort", "18120");
        values.put("forwardAccounting", "false");
        return values;
    }

    @Test
    void aValidServerIsStoredAsGiven() throws Exception {
        assertEquals(valid(), validator.validate(valid()));
    }

    @Test
    void eachBadValueIsRefusedNamingItsKey() {
        for (Map.Entry<String, String> bad : Map.of("authPort", "70000", "weight", "0", "timeoutSeconds", "3s",
                "sendMessageAuthenticator", "yes", "address", "radius partner", "secret", "",
                "priorty", "2").entrySet()) {
            Map<String, String> values = valid();
            values.put(bad.getKey(), bad.getValue());
            InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                    () -> validator.validate(values), bad.toString());
            assertEquals(bad.getKey(), refused.key(), refused.getMessage());
        }
    }

    @Test
    void aMissingSettingTakesTheOneDefaultOfTheTypedConfiguration() throws Exception {
        Map<String, String> values = valid();
        values.remove("authPort");
        ServerSettings settings = RemoteServerDefinition.parse(RemoteServerDefinition.TYPE.read(values), null);
        assertEquals(1812, settings.authPort());
        assertEquals(false, settings.forwardAccounting());
    }
}
