package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;

/** The transport's configuration: its defaults are the metatype definition's, its refusals name file and key. */
class RadiusServerSettingsTest {

    private static RadiusServer.Settings parse(Map<String, Object> properties) throws InvalidConfigurationException {
        return RadiusServer.parse(RadiusServer.TYPE.read(properties));
    }

    @Test
    void anEmptyConfigurationTakesTheDefaultsOfTheMetatypeDefinition() throws Exception {
        ConfigType type = RadiusServer.TYPE;
        RadiusServer.Settings settings = parse(Map.of());
        String address = type.defaultValue("listenAddresses").toString();
        assertEquals(List.of(new InetSocketAddress(address, (Integer) type.defaultValue("authPort"))),
                settings.auth());
        assertEquals(List.of(new InetSocketAddress(address, (Integer) type.defaultValue("acctPort"))),
                settings.accounting());
        assertEquals(type.defaultValue("duplicateWindowSeconds"), settings.duplicateWindow());
        assertEquals(type.defaultValue("rateLimitPerClient"), settings.ratePerSecond());
        assertEquals(type.defaultValue("rateLimitBurst"), settings.rateBurst());
        assertEquals(type.defaultValue("socketsPerAddress"), settings.socketsPerAddress());
        assertEquals(type.defaultValue("deciderThreads"), settings.deciderThreads());
        assertEquals(1812, settings.auth().get(0).getPort(), "RADIUS's port (RFC 2865)");

        Map<String, Object> empty = new HashMap<>();
        empty.put("listenAddresses", "");
        assertEquals(settings.auth(), parse(empty).auth(), "an empty list is the default, not a refusal");
        assertEquals(List.of(), type.read(Map.of("authPort", "1", "deciderThreads", "2")).unknownKeys());
    }

    @Test
    void aBadValueIsRefusedWithTheFileItsKeyAndTheReason() {
        Map<String, Object> config = new HashMap<>();
        config.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.transport.cfg");
        config.put("duplicateWindowSeconds", "601");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> parse(config));
        assertEquals("duplicateWindowSeconds", e.key());
        assertEquals("etc/org.radmfa.transport.cfg", e.source());
        assertTrue(e.getMessage().contains("601 is out of range 0..600"), e.getMessage());

        config.remove("duplicateWindowSeconds");
        config.put("acctPort", "1812");
        InvalidConfigurationException same = assertThrows(InvalidConfigurationException.class, () -> parse(config));
        assertEquals("acctPort", same.key());
        assertTrue(same.getMessage().contains("must differ from authPort (1812)"), same.getMessage());
    }
}
