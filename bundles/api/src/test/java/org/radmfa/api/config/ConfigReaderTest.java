package org.radmfa.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {
    private final Map<String, Object> properties = new LinkedHashMap<>(Map.of(
            "felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.client-gw.cfg",
            "service.pid", "org.radmfa.client.8f2e"));

    @Test
    void theSourceIsTheFileUnderEtcOrElseThePid() {
        assertEquals("etc/org.radmfa.client-gw.cfg", new ConfigReader(properties).source());
        assertEquals("configuration org.radmfa.x", ConfigReader.sourceOf(Map.of("service.pid", "org.radmfa.x")));
        assertEquals("(configuration without PID)", ConfigReader.sourceOf(Map.of()));
    }

    @Test
    void refusalsNameFileKeyAndReason() {
        properties.put("authPort", "18x12");

        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> new ConfigReader(properties).integer("authPort", 1812, 1, 65535));

        assertEquals("etc/org.radmfa.client-gw.cfg", refused.source());
        assertEquals("authPort", refused.key());
        assertEquals("'18x12' is not a whole number", refused.reason());
        assertEquals("etc/org.radmfa.client-gw.cfg: key 'authPort': '18x12' is not a whole number",
                refused.getMessage());
    }

    @Test
    void integersHonourDefaultAndRange() throws Exception {
        ConfigReader config = new ConfigReader(properties);
        assertEquals(1812, config.integer("authPort", 1812, 1, 65535));

        properties.put("authPort", " 11812 ");
        assertEquals(11812, new ConfigReader(properties).integer("authPort", 1812, 1, 65535));

        properties.put("authPort", 70000);
        assertEquals("70000 is out of range 1..65535", assertThrows(InvalidConfigurationException.class,
                () -> new ConfigReader(properties).integer("authPort", 1812, 1, 65535)).reason());
    }

    @Test
    void booleansAreTrueOrFalseAndNothingElse() throws Exception {
        properties.put("enabled", "TRUE");
        properties.put("typed", Boolean.FALSE);
        properties.put("typo", "ture");
        ConfigReader config = new ConfigReader(properties);

        assertTrue(config.bool("enabled", false));
        assertFalse(config.bool("typed", true));
        assertTrue(config.bool("absent", true));
        assertEquals("'ture' is not true or false",
                assertThrows(InvalidConfigurationException.class, () -> config.bool("typo", false)).reason());
    }

    @Test
    void stringsAreTrimmedAndRequiredOnesMustNotBeBlank() throws Exception {
        properties.put("name", "  gw  ");
        properties.put("blank", "   ");
        ConfigReader config = new ConfigReader(properties);

        assertEquals("gw", config.requiredString("name"));
        assertEquals("fallback", config.string("absent", "fallback"));
        assertEquals("is required and must not be empty",
                assertThrows(InvalidConfigurationException.class, () -> config.requiredString("blank")).reason());
        assertThrows(InvalidConfigurationException.class, () -> config.requiredString("absent"));
    }

    @Test
    void listsComeFromCommasArraysOrCollectionsWithoutEmptyEntries() {
        properties.put("text", " a, b,,c ,");
        properties.put("array", new String[] {" a ", "", "b"});
        properties.put("collection", List.of("x", " y "));
        ConfigReader config = new ConfigReader(properties);

        assertEquals(List.of("a", "b", "c"), config.list("text"));
        assertEquals(List.of("a", "b"), config.list("array"));
        assertEquals(List.of("x", "y"), config.list("collection"));
        assertEquals(List.of(), config.list("absent"));
    }

    @Test
    void prefixedKeysComeSortedWithThePrefixRemoved() {
        properties.put("reply.Session-Timeout", "3600");
        properties.put("reply.Class", "vpn");
        properties.put("reply.", "ignored: nothing after the prefix");
        properties.put("condition.userName", "x");

        assertEquals(Map.of("Class", "vpn", "Session-Timeout", "3600"),
                new ConfigReader(properties).withPrefix("reply."));
        assertEquals(List.of("Class", "Session-Timeout"),
                List.copyOf(new ConfigReader(properties).withPrefix("reply.").keySet()));
    }

    @Test
    void unknownKeysAreTyposNotFrameworkOrPrivateKeys() {
        properties.put("address", "10.0.0.1");
        properties.put("adress", "10.0.0.2");
        properties.put(".secret", "sealed");
        properties.put("reply.Class", "vpn");
        properties.put("component.name", "x");

        assertEquals(List.of("adress"),
                new ConfigReader(properties).unknownKeys(Set.of("address"), "reply."));
    }
}
