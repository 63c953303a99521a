package org.radmfa.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTypeTest {

    /** A component property type as a component declares it. */
    @interface Settings {
        int authPort() default 1812;

        String bindAddress() default "0.0.0.0";

        boolean enabled() default true;

        String _password() default "";

        int tls_handshakeTimeoutSeconds() default 10;

        String max__age() default "";

        String dead$_$peer() default "";

        String noDefault();
    }

    private static final ConfigType TYPE = ConfigType.of(Settings.class);

    @Test
    void keysFollowTheDeclarativeServicesNamingRules() {
        assertEquals("authPort", ConfigType.key("authPort"));
        assertEquals(".password", ConfigType.key("_password"));
        assertEquals("tls.handshakeTimeoutSeconds", ConfigType.key("tls_handshakeTimeoutSeconds"));
        assertEquals("max_age", ConfigType.key("max__age"));
        assertEquals("dead-peer", ConfigType.key("dead$_$peer"));
        assertEquals("a$b", ConfigType.key("a$$b"));
        assertEquals("ab", ConfigType.key("a$b"));
        assertTrue(TYPE.keys().containsAll(List.of("authPort", ".password", "tls.handshakeTimeoutSeconds",
                "max_age", "dead-peer", "noDefault")));
    }

    @Test
    void theTypesDefaultsAreTheReadersDefaults() throws Exception {
        ConfigReader config = TYPE.read(Map.of("bindAddress", " 127.0.0.1 "));

        assertEquals(1812, config.integer("authPort", 1, 65535));
        assertEquals("127.0.0.1", config.string("bindAddress"));
        assertTrue(config.bool("enabled"));
        assertEquals("", config.string(".password"));
        assertEquals(10, config.integer("tls.handshakeTimeoutSeconds", 1, 60));
        assertEquals(null, config.string("noDefault"));
    }

    @Test
    void readingStaysStrictAndNamesTheKey() {
        ConfigReader config = TYPE.read(Map.of("service.pid", "org.radmfa.x", "authPort", "eighteen"));

        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> config.integer("authPort", 1, 65535));

        assertEquals("configuration org.radmfa.x: key 'authPort': 'eighteen' is not a whole number",
                refused.getMessage());
    }

    @Test
    void aKeyTheTypeDoesNotDeclareIsAMistakeInTheCode() {
        ConfigReader config = TYPE.read(Map.of());

        IllegalArgumentException mistake = assertThrows(IllegalArgumentException.class,
                () -> config.integer("authport", 1, 65535));

        assertTrue(mistake.getMessage().contains("declares no configuration key 'authport'"), mistake.getMessage());
    }

    @Test
    void unknownKeysAreThoseTheTypeDoesNotDeclare() {
        ConfigReader config = TYPE.read(Map.of("authPort", "1812", "authport", "1813", ".password", "x",
                "reply.Class", "vpn", "service.pid", "p"));

        assertEquals(List.of("authport"), config.unknownKeys("reply."));
        assertFalse(TYPE.declares("authport"));
    }

    @Test
    void aReaderWithoutATypeSaysHowToGetOne() {
        ConfigReader untyped = new ConfigReader(Map.of());

        assertThrows(IllegalStateException.class, () -> untyped.string("anything"));
    }
}
