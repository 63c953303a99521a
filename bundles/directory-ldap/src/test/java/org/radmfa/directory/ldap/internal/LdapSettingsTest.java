package org.radmfa.directory.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;

class LdapSettingsTest {

    @BeforeAll
    static void certificates() throws Exception {
        AdLikeServer.localhostTrustStore();
    }

    private static String trustStore() {
        try {
            return AdLikeServer.localhostTrustStore().toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Object> good() {
        Map<String, Object> config = new HashMap<>();
        config.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.directory.ldap-corp.cfg");
        config.put("name", "corp");
        config.put("urls", "ldaps://dc1.corp.example, ldaps://dc2.corp.example:3269");
        config.put("bindDn", "CN=svc-radius,OU=Service,DC=corp,DC=example");
        config.put(".bindPassword", "Very-Secret-Bind");
        config.put("baseDn", "DC=corp,DC=example");
        return config;
    }

    @Test
    void defaults() throws Exception {
        LdapSettings settings = LdapSettings.read(good());
        assertEquals(LdapSettings.Security.LDAPS, settings.security());
        assertEquals(List.of(new LdapSettings.Server("dc1.corp.example", 636),
                new LdapSettings.Server("dc2.corp.example", 3269)), settings.servers());
        assertEquals(LdapSettings.GroupMode.IN_CHAIN, settings.groupMode());
        assertEquals(LdapSettings.DEFAULT_USER_FILTER, settings.userFilter());
        assertEquals("DC=corp,DC=example", settings.groupBaseDn());
        assertFalse(settings.trustAll(), "never trust-all by default");
        assertTrue(settings.sslContext() != null);
        assertEquals(5000, settings.responseTimeoutMillis());
        assertFalse(settings.toString().contains("Very-Secret-Bind"), settings.toString());
    }

    @Test
    void defaultsComeFromTheMetatypeDefinition() throws Exception {
        LdapSettings settings = LdapSettings.read(good());
        ConfigType type = LdapSettings.TYPE;
        assertEquals(type.defaultValue("security"), settings.security().name().toLowerCase(Locale.ROOT));
        assertEquals(type.defaultValue("userFilter"), settings.userFilter());
        assertEquals(type.defaultValue("groupMode"), settings.groupMode().key());
        assertEquals(type.defaultValue("trustAll"), settings.trustAll());
        assertEquals(type.defaultValue("alternateLoginIdAttribute"), settings.alternateLoginIdAttribute());
        assertEquals(type.defaultValue("groupNestingDepth"), settings.groupNestingDepth());
        assertEquals(type.defaultValue("connectTimeoutMillis"), settings.connectTimeoutMillis());
        assertEquals(type.defaultValue("responseTimeoutMillis"), settings.responseTimeoutMillis());
        assertEquals(type.defaultValue("poolSize"), settings.poolSize());
        assertEquals(type.defaultValue("queueSize"), settings.queueSize());
        assertEquals("none", type.defaultValue("msChapV2"));
        assertNull(settings.winbind(), "msChapV2's default is none");
        assertEquals(List.of(), type.read(good()).unknownKeys(),
                "every key of a working configuration is declared by the metatype definition");
    }

    @Test
    void aBadValueIsRefusedWithItsKeyAndReason() {
        Map<String, Object> config = good();
        config.put("queueSize", "0");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> LdapSettings.read(config));
        assertEquals("queueSize", e.key());
        assertTrue(e.getMessage().contains("etc/org.radmfa.directory.ldap-corp.cfg"), e.getMessage());
        assertTrue(e.getMessage().contains("0 is out of range 1..100000"), e.getMessage());
    }

    @Test
    void theBindPasswordIsPrivateAndTheKeyWithoutTheDotIsStillRead() throws Exception {
        assertTrue(LdapSettings.TYPE.declares(".bindPassword"));
        assertFalse(LdapSettings.TYPE.declares("bindPassword"), "a public key would become a service property");
        assertEquals("Very-Secret-Bind", LdapSettings.read(good()).bindPassword());

        Map<String, Object> legacy = good();
        legacy.put("bindPassword", legacy.remove(".bindPassword"));
        assertEquals("Very-Secret-Bind", LdapSettings.read(legacy).bindPassword());
    }

    @Test
    void trustStoreIsLoaded() throws Exception {
        Map<String, Object> config = good();
        config.put("trustStore", trustStore());
        config.put("trustStorePassword", AdLikeServer.TRUST_PASSWORD);
        assertTrue(LdapSettings.read(config).sslContext() != null);
    }

    @Test
    void badValuesAreRefusedNamingFileAndKey() {
        refused("baseDn", Map.of(), "baseDn");
        refused("name", Map.of("name", "corp)(x=*"), null);
        refused("urls", Map.of("urls", ""), null);
        refused("urls", Map.of("urls", "dc1.corp.example:636"), null);
        refused("urls", Map.of("urls", "ldap://dc1.corp.example"), null);
        refused("urls", Map.of("security", "starttls"), null);
        refused("urls", Map.of("urls", "ldaps://dc1/dc=x??sub?(uid=*)"), null);
        refused("security", Map.of("security", "tls"), null);
        refused("bindDn", Map.of("bindDn", "not a dn"), null);
        refused(".bindPassword", Map.of(), ".bindPassword");
        refused("userFilter", Map.of("userFilter", "(uid=alice)"), null);
        refused("userFilter", Map.of("userFilter", "(&(uid={0})"), null);
        refused("groupMode", Map.of("groupMode", "nested"), null);
        refused("poolSize", Map.of("poolSize", "0"), null);
        refused("responseTimeoutMillis", Map.of("responseTimeoutMillis", "soon"), null);
        refused("trustAll", Map.of("trustAll", "yes"), null);
        refused("trustStore", Map.of("trustStore", "/nonexistent/ca.p12"), null);
        refused("alternateLoginIdAttribute", Map.of("alternateLoginIdAttribute", "mail)(x"), null);
    }

    @Test
    void wrongTrustStorePasswordIsRefusedWithoutShowingIt() {
        Map<String, Object> config = good();
        config.put("trustStore", trustStore());
        config.put("trustStorePassword", "Wrong-Trust-Pw");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> LdapSettings.read(config));
        assertEquals("trustStorePassword", e.key());
        assertFalse(e.getMessage().contains("Wrong-Trust-Pw"));
    }

    private static void refused(String key, Map<String, String> changes, String removed) {
        Map<String, Object> config = good();
        config.putAll(changes);
        if (removed != null) {
            config.remove(removed);
        }
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> LdapSettings.read(config), key + " " + changes);
        assertEquals(key, e.key(), e.getMessage());
        assertEquals("etc/org.radmfa.directory.ldap-corp.cfg", e.source());
        assertFalse(e.getMessage().contains("Very-Secret-Bind"), e.getMessage());
    }

    @Test
    void msChapV2ThroughWinbindIsCheckedWhenRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assertEquals(null, LdapSettings.read(good()).winbind(), "default: PAP only");
        java.nio.file.Path ntlmAuth = dir.resolve("ntlm_auth");
        java.nio.file.Files.writeString(ntlmAuth, "#!/bin/sh\n");
        ntlmAuth.toFile().setExecutable(true);
        Map<String, Object> config = good();
        config.put("msChapV2", "winbind");
        config.put("ntlmAuth", ntlmAuth.toString());
        config.put("ntlmAuthDomain", "CORP");
        WinbindSettings winbind = LdapSettings.read(config).winbind();
        assertEquals(List.of(ntlmAuth.toString(), "--helper-protocol=ntlm-server-1", "--allow-mschapv2"),
                winbind.command());
        assertEquals(2, winbind.helpers());
        assertEquals(5000, winbind.timeoutMillis());

        config.put("ntlmAuthDomain", "CORP\nPassword: x");
        assertRefused(config, "ntlmAuthDomain");
        config.put("ntlmAuthDomain", "CORP");
        config.put("ntlmAuth", dir.resolve("missing").toString());
        assertRefused(config, "ntlmAuth");
        config.put("ntlmAuth", ntlmAuth.toString());
        config.put("ntlmAuthConfigFile", dir.resolve("missing.conf").toString());
        assertRefused(config, "ntlmAuthConfigFile");
        config.remove("ntlmAuthConfigFile");
        config.put("msChapV2", "netlogon");
        assertRefused(config, "msChapV2");
    }

    private static void assertRefused(Map<String, Object> config, String key) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> LdapSettings.read(config));
        assertTrue(e.getMessage().contains("key '" + key + "'"), e.getMessage());
    }
}
