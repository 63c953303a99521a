package org.radmfa.clients.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ClientDefinitionTest {
    private final ClientRegistryImpl registry = new ClientRegistryImpl();

    private static Map<String, Object> config(String address, String secret) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", "org.radmfa.client~gw");
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.client-gw.cfg");
        properties.put("name", "gw");
        properties.put("address", address);
        properties.put("secret", secret);
        return properties;
    }

    @Test
    void aBadChangeKeepsTheLastGoodDefinitionServing() throws Exception {
        ClientDefinition definition = new ClientDefinition(registry, config("10.1.255.0/27", "s3cret"));
        assertTrue(registry.find(InetAddress.getByName("10.1.255.4")).isPresent());
        definition.modified(config("10.1.255.0/33", "s3cret"));
        definition.modified(config("10.1.255.0/27", ""));
        Map<String, Object> typo = config("10.1.255.0/27", "s3cret");
        typo.put("requireMessageAuthenticator", "flase");
        definition.modified(typo);
        assertEquals("10.1.255.0/27", registry.find(InetAddress.getByName("10.1.255.4")).orElseThrow().address());
        assertTrue(registry.find(InetAddress.getByName("10.1.255.4")).orElseThrow().requireMessageAuthenticator());
        definition.modified(config("10.1.254.0/27", "s3cret"));
        assertFalse(registry.find(InetAddress.getByName("10.1.255.4")).isPresent());
        definition.deactivate();
        assertTrue(registry.clients().isEmpty());
    }

    @Test
    void aBadFirstDefinitionRegistersNothing() throws Exception {
        new ClientDefinition(registry, config("not a host name!", "s3cret"));
        assertTrue(registry.clients().isEmpty());
    }
}
