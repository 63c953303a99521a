package org.radmfa.radsec.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Hashtable;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.api.config.Refusal;

class RadSecClientDefinitionTest {
    private final RadSecClients clients = new RadSecClients();
    private final RadSecClientDefinitions definitions = new RadSecClientDefinitions(clients, () -> { });

    private static Hashtable<String, Object> file(String name, String... keysAndValues) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("service.pid", "org.radmfa.radsec.client~" + name);
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.radsec.client-" + name + ".cfg");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    @Test
    void aBadChangeIsRefusedAndTheLastGoodClientStays() {
        definitions.files().updated("org.radmfa.radsec.client~nas1", file("nas1", "name", "nas1", "certificateName",
                "nas1.example.org"));
        assertEquals(1, clients.size());
        assertEquals(List.of(), definitions.refusals());

        definitions.files().updated("org.radmfa.radsec.client~nas1", file("nas1", "name", "nas1", "certificateName",
                "nas1.example.org", "address", "10.0.0.0/33"));
        assertEquals(1, clients.size(), "the last good definition stays");
        Refusal refused = definitions.refusals().get(0);
        assertEquals("etc/org.radmfa.radsec.client-nas1.cfg", refused.source());
        assertEquals("address", refused.key());
        assertTrue(refused.lastGoodServing());

        definitions.files().updated("org.radmfa.radsec.client~nas1-copy", file("nas1-copy", "name", "nas1",
                "certificateName", "other.example.org"));
        assertEquals(1, clients.size(), "a second client with the same name is refused");
        assertEquals(2, definitions.refusals().size());

        definitions.files().deleted("org.radmfa.radsec.client~nas1");
        assertEquals(0, clients.size());
        definitions.files().deleted("org.radmfa.radsec.client~nas1-copy");
        assertEquals(List.of(), definitions.refusals());
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
