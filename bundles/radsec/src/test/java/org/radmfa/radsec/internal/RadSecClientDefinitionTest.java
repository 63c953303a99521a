package org.radmfa.radsec.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.radmfa.api.config.InvalidConfigurationException;

class RadSecClientDefinitionTest {
    private final RadSecClients clients = new RadSecClients();

    private static Map<String, Object> file(String name, String... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", "org.radmfa.radsec.client~" + name);
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.radsec.client-" + name + ".cfg");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    @Test
    void aBadChangeIsRefusedAndTheLastGoodClientStays() {
        Map<String, Object> nas = file("nas1", "name", "nas1", "certificateName", "nas1.example.org");
        RadSecClientDefinition definition = new RadSecClientDefinition(clients, nas);
        assertEquals(1, clients.size());

        definition.modified(file("nas1", "name", "nas1", "certificateName", "nas1.example.org", "address",
                "10.0.0.0/33"));
        assertEquals(1, clients.size(), "the last good definition stays");

        new RadSecClientDefinition(clients, file("nas1-copy", "name", "nas1", "certificateName", "other.example.org"));
        assertEquals(1, clients.size(), "a second client with the same name is refused");

        definition.deactivate();
        assertEquals(0, clients.size());
    }

    @Test
    void refusalsNameTheFileTheKeyAndTheReason() {
        InvalidConfigurationException missing = assertThrows(InvalidConfigurationException.class,
                () -> RadSecClientDefinition.parse(RadSecClientDefinition.TYPE.read(file("x", "certificateName",
                        "nas1.example.org"))));
        assertEquals("etc/org.radmfa.radsec.client-x.cfg", missing.source());
        assertEquals("name", missing.key());
        InvalidConfigurationException noCertificate = assertThrows(InvalidConfigurationException.class,
                () -> RadSecClientDefinition.parse(RadSecClientDefinition.TYPE.read(file("x", "name", "x"))));
        assertEquals("certificate*", noCertificate.key());
        assertTrue(noCertificate.reason().startsWith("one of"), noCertificate.reason());
    }
}
