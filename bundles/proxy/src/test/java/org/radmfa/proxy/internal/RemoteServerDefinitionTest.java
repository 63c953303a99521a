package org.radmfa.proxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.radmfa.api.SecretVault;
import org.radmfa.api.config.InvalidConfigurationException;

class RemoteServerDefinitionTest {

    private static Map<String, Object> valid() {
        Map<String, Object> values = new HashMap<>();
        values.put("name", "fr1");
        values.put("group", "partners");
        values.put("address", "radius.partner.example");
        values.put("secret", "s3cret");
        return values;
    }

    private static ServerSettings parse(Map<String, Object> values, SecretVault vault)
            throws InvalidConfigurationException {
        Map<String, Object> properties = new HashMap<>(values);
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.proxy.server-fr1.cfg");
        return RemoteServerDefinition.parse(RemoteServerDefinition.TYPE.read(properties), vault);
    }

    @Test
    void theDefaultsAreNpss() throws Exception {
        ServerSettings settings = parse(valid(), null);
        assertEquals(1812, settings.authPort());
        assertEquals(1813, settings.acctPort());
        assertEquals(1, settings.priority());
        assertEquals(50, settings.weight());
        assertEquals(3000, settings.timeoutMillis());
        assertEquals(5, settings.maxLost());
        assertEquals(30_000, settings.blackoutMillis());
        assertTrue(settings.forwardAccounting() && settings.sendMessageAuthenticator());
    }

    @Test
    void aBadValueIsRefusedWithFileKeyAndReason() {
        Map<String, Object> values = valid();
        values.put("weight", 0);
        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> parse(values, null));
        assertTrue(refused.getMessage().contains("etc/org.radmfa.proxy.server-fr1.cfg")
                && refused.getMessage().contains("weight") && refused.getMessage().contains("between 1 and 100"),
                refused.getMessage());

        Map<String, Object> noSecret = valid();
        noSecret.remove("secret");
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> parse(noSecret, null)).getMessage()
                .contains("secret"));
        Map<String, Object> badAddress = valid();
        badAddress.put("address", "radius partner");
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> parse(badAddress, null)).getMessage()
                .contains("address"));
    }

    @Test
    void aSealedSecretNeedsTheVault() throws Exception {
        Map<String, Object> values = valid();
        values.put("secret", "{aes-gcm}sealed");
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> parse(values, null)).getMessage()
                .contains("no secret vault is running"));
        SecretVault vault = new SecretVault() {
            @Override
            public String seal(String secret) {
                return "{aes-gcm}" + secret;
            }

            @Override
            public String open(String sealed) {
                return sealed.substring("{aes-gcm}".length());
            }
        };
        assertEquals("sealed", parse(values, vault).secret().reveal());
    }

    @Test
    void aBadChangeIsRefusedAndTheLastGoodServerKeepsServing() {
        RadiusProxy proxy = new RadiusProxy();
        try {
            Map<String, Object> properties = valid();
            properties.put("service.pid", "org.radmfa.proxy.server~fr1");
            properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.proxy.server-fr1.cfg");
            properties.put("weight", "40");
            RemoteServerDefinition definition = new RemoteServerDefinition(proxy, null, properties);
            definition.activate(properties);
            assertEquals(40, proxy.servers().get(0).weight());

            properties.put("weight", "0");
            definition.modified(properties);
            assertEquals(40, proxy.servers().get(0).weight(), "the last good definition keeps serving");
            properties.put("weight", "60");
            definition.modified(properties);
            assertEquals(60, proxy.servers().get(0).weight());

            definition.deactivate();
            assertTrue(proxy.servers().isEmpty());
        } finally {
            proxy.deactivate();
        }
    }
}
