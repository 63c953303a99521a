package org.radmfa.proxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.testsupport.TestPki;

/** A remote server reached over RadSec: {@code transport = radsec} and the {@code tls.*} keys. */
class RadSecSettingsTest {
    @TempDir
    static Path dir;
    private static TestPki pki;
    private static Path appliance;

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki(dir, "ca");
        appliance = pki.issue("appliance", "dns:appliance.example", false);
    }

    private static ServerSettings parse(Map<String, Object> extra) throws InvalidConfigurationException {
        Map<String, Object> values = new HashMap<>(Map.of("name", "site-c", "group", "gc", "address", "127.0.0.1"));
        values.putAll(extra);
        Map<String, Object> properties = new HashMap<>(values);
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.proxy.server-c.cfg");
        return RemoteServerDefinition.parse(RemoteServerDefinition.TYPE.read(properties), null);
    }

    private static Map<String, Object> radsec() {
        return new HashMap<>(Map.of("transport", "radsec", "tls.certificate", appliance.toString(), "tls.password",
                TestPki.PASSWORD, "tls.trustedCa", pki.caPem().toString()));
    }

    @Test
    void radsecDefaultsToPort2083AndTheSecretRadsec() throws Exception {
        ServerSettings settings = parse(radsec());
        assertNotNull(settings.radsec());
        assertEquals(2083, settings.authPort());
        assertEquals("radsec", settings.secret().reveal());
        assertTrue(settings.radsec().verifyHostname());
        assertTrue(settings.address().endsWith("(radsec)"));
        assertFalse(settings.toString().contains(TestPki.PASSWORD), "the key's password is never printed");
        Map<String, Object> ported = radsec();
        ported.put("authPort", 12083);
        assertEquals(12083, parse(ported).authPort());
    }

    @Test
    void udpStaysTheDefault() throws Exception {
        Map<String, Object> udp = new HashMap<>(Map.of("secret", "s3cret"));
        assertNull(parse(udp).radsec());
        assertEquals(1812, parse(udp).authPort());
    }

    @Test
    void whatCannotWorkIsRefusedWithKeyAndReason() {
        Map<String, Object> unknown = radsec();
        unknown.put("transport", "dtls");
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> parse(unknown)).getMessage()
                .contains("key 'transport'"));
        Map<String, Object> noCa = radsec();
        noCa.remove("tls.trustedCa");
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> parse(noCa)).getMessage()
                .contains("key 'tls.trustedCa': is required with transport = radsec"));
        Map<String, Object> wrongPassword = radsec();
        wrongPassword.put("tls.password", "wrong");
        String refused = assertThrows(InvalidConfigurationException.class, () -> parse(wrongPassword)).getMessage();
        assertTrue(refused.contains("key 'tls.certificate': the key material does not load"), refused);
        assertFalse(refused.contains("wrong\""), refused);
    }
}
