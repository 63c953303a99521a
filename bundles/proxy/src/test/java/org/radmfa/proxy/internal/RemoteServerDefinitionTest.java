package org.radmfa.proxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.radmfa.api.SecretVault;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.api.config.Refusal;
import org.radmfa.config.support.FactoryConfigurations;

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
        InvalidConfigurationException waiting = assertThrows(InvalidConfigurationException.class,
                () -> parse(values, null));
        assertTrue(waiting.getMessage().contains("no secret vault is running"));
        assertTrue(waiting.waitsForVault(), "no mistake in the file: it waits for the vault");
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
            String pid = "org.radmfa.proxy.server~fr1";
            Hashtable<String, Object> properties = new Hashtable<>(valid());
            properties.put("service.pid", pid);
            properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.proxy.server-fr1.cfg");
            properties.put("weight", "40");
            FactoryConfigurations<ServerSettings> definitions = proxy.definitions().files();
            definitions.updated(pid, properties);
            assertEquals(40, proxy.servers().get(0).weight());
            assertEquals(List.of(), proxy.refusals());

            properties.put("weight", "0");
            definitions.updated(pid, properties);
            assertEquals(40, proxy.servers().get(0).weight(), "the last good definition keeps serving");
            Refusal refusal = proxy.refusals().get(0);
            assertEquals("etc/org.radmfa.proxy.server-fr1.cfg", refusal.source());
            assertEquals("weight", refusal.key());
            assertTrue(refusal.lastGoodServing());
            properties.put("weight", "60");
            definitions.updated(pid, properties);
            assertEquals(60, proxy.servers().get(0).weight());
            assertEquals(List.of(), proxy.refusals(), "a corrected file is no longer refused");

            definitions.deleted(pid);
            assertTrue(proxy.servers().isEmpty());
        } finally {
            proxy.deactivate();
        }
    }

    @Test
    void aSecondServerOfTheSameNameInTheGroupIsRefused() {
        RadiusProxy proxy = new RadiusProxy();
        try {
            Hashtable<String, Object> first = new Hashtable<>(valid());
            proxy.definitions().files().updated("org.radmfa.proxy.server~a", first);
            Hashtable<String, Object> second = new Hashtable<>(valid());
            second.put("address", "192.0.2.7");
            proxy.definitions().files().updated("org.radmfa.proxy.server~b", second);
            assertEquals(1, proxy.servers().size());
            assertEquals("radius.partner.example:1812", proxy.servers().get(0).address());
            Refusal refusal = proxy.refusals().get(0);
            assertEquals("name", refusal.key());
            assertFalse(refusal.lastGoodServing());
        } finally {
            proxy.deactivate();
        }
    }
}
