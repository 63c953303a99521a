package org.radmfa.audit.syslog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;

class SyslogSettingsTest {

    private static Map<String, Object> config(String... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.audit.syslog-siem.cfg");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private static InvalidConfigurationException refused(Map<String, Object> properties) {
        return assertThrows(InvalidConfigurationException.class, () -> SyslogSettings.parse(properties));
    }

    @Test
    void plainTcpWithDefaults() throws Exception {
        SyslogSettings settings = SyslogSettings.parse(config("host", "siem.example.net", "tls", "false"));
        assertEquals("siem", settings.name());
        assertEquals(514, settings.port());
        assertNull(settings.tls());
        assertEquals(10, settings.facility());
        assertEquals("radmfa@32473", settings.structuredDataId());
        assertEquals("tcp://siem.example.net:514", settings.destination());
    }

    @Test
    void defaultsComeFromTheMetatypeDefinition() throws Exception {
        ConfigType type = SyslogSettings.TYPE;
        SyslogSettings settings = SyslogSettings.parse(config("host", "siem.example.net", "tls", "false"));
        assertEquals(type.defaultValue("structuredDataId"), settings.structuredDataId());
        assertEquals(type.defaultValue("appName"), settings.appName());
        assertEquals(type.defaultValue("decisions"), settings.decisions());
        assertEquals(type.defaultValue("accounting"), settings.accounting());
        assertEquals(type.defaultValue("queueCapacity"), settings.queueCapacity());
        assertEquals((Integer) type.defaultValue("connectTimeoutSeconds") * 1000, settings.connectTimeoutMillis());
        assertEquals(type.defaultValue("verifyHostname"), settings.verifyHostname());
        assertEquals(type.defaultValue("tlsVersions"), String.join(",", settings.tlsVersions()));
        assertEquals("authpriv", type.defaultValue("facility"));
        assertEquals(10, settings.facility(), "authpriv is facility 10");
        assertEquals(List.of(), type.read(config("host", "h", "name", "siem", "tls", "false")).unknownKeys(),
                "name is a declared key");
    }

    @Test
    void aBadValueIsRefusedWithTheFileItsKeyAndTheReason() {
        InvalidConfigurationException e = refused(config("host", "h", "tls", "false", "queueCapacity", "0"));
        assertEquals("queueCapacity", e.key());
        assertEquals("etc/org.radmfa.audit.syslog-siem.cfg", e.source());
        assertTrue(e.getMessage().contains("0 is out of range 1..10000000"), e.getMessage());
        assertEquals("tls", refused(config("host", "h", "tls", "maybe")).key());
    }

    @Test
    void tlsIsTheDefaultAndNeedsItsCa() {
        InvalidConfigurationException e = refused(config("host", "siem"));
        assertEquals("caFile", e.key());
        assertTrue(e.getMessage().contains("org.radmfa.audit.syslog-siem.cfg: key 'caFile': is required"),
                e.getMessage());
    }

    @Test
    void badValuesAreRefusedWithTheirKey(@TempDir Path dir) throws IOException {
        assertEquals("host", refused(config("tls", "false")).key());
        assertEquals("facility", refused(config("host", "h", "tls", "false", "facility", "kernel")).key());
        assertEquals("structuredDataId", refused(config("host", "h", "tls", "false", "structuredDataId",
                "no-enterprise-number")).key());
        assertEquals("port", refused(config("host", "h", "tls", "false", "port", "70000")).key());
        assertEquals("tlsVersions", refused(config("host", "h", "tlsVersions", "TLSv1.1")).key());
        assertEquals("caFile", refused(config("host", "h", "caFile", dir.resolve("missing.pem").toString())).key());
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        assertEquals("caFile", refused(config("host", "h", "caFile", notPem.toString())).key());
        assertEquals("decisions", refused(config("host", "h", "tls", "false", "decisions", "false", "accounting",
                "false")).key());
        assertEquals("tls", refused(config("host", "h", "tls", "false", "caFile", "ca.pem")).key());
    }
}
