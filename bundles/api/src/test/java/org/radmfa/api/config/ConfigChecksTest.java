package org.radmfa.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.radmfa.api.SecretVault;

class ConfigChecksTest {
    private static final ConfigReader CONFIG = new ConfigReader(Map.of("felix.fileinstall.filename",
            "file:/etc/x-a.cfg", "address", "radius-1.example.org", "bad", "a b", "blank", " "));

    /** Seals by reversing; refuses what it did not seal. */
    private static final SecretVault VAULT = new SecretVault() {
        @Override
        public String seal(String secret) {
            return ConfigChecks.SEALED + new StringBuilder(secret).reverse();
        }

        @Override
        public String open(String sealed) {
            if (sealed.endsWith("!")) {
                throw new IllegalArgumentException("not sealed with this key");
            }
            return new StringBuilder(sealed.substring(ConfigChecks.SEALED.length())).reverse().toString();
        }
    };

    private static String reason(ThrowingCheck check) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, check::run);
        assertEquals("etc/x-a.cfg", e.source());
        return e.key() + ": " + e.reason();
    }

    interface ThrowingCheck {
        void run() throws InvalidConfigurationException;
    }

    @Test
    void namesAndAddresses() throws Exception {
        assertEquals("radius-1.example.org", ConfigChecks.name(CONFIG, "address"));
        assertEquals("blank: is required and must not be empty", reason(() -> ConfigChecks.name(CONFIG, "blank")));
        assertEquals("radius-1.example.org", ConfigChecks.hostOrAddress(CONFIG, "address"));
        assertEquals("bad: 'a b' is neither an IP address nor a DNS name",
                reason(() -> ConfigChecks.hostOrAddress(CONFIG, "bad")));
        assertEquals("missing: is required and must not be empty",
                reason(() -> ConfigChecks.hostOrAddress(CONFIG, "missing")));
    }

    @Test
    void networks() throws Exception {
        assertEquals(27, ConfigChecks.cidr(CONFIG, "net", "10.1.255.0/27").prefixLength());
        assertTrue(reason(() -> ConfigChecks.cidr(CONFIG, "net", "10.1.255.0/33")).startsWith("net: "));
    }

    @Test
    void numbersPortsAndDurations() throws Exception {
        assertEquals(1812, ConfigChecks.port(CONFIG, "authPort", 1812));
        assertEquals("authPort: 0 is not between 1 and 65535", reason(() -> ConfigChecks.port(CONFIG, "authPort", 0)));
        assertEquals("authPort: 65536 is not between 1 and 65535",
                reason(() -> ConfigChecks.port(CONFIG, "authPort", 65536)));
        assertEquals(Duration.ofSeconds(30), ConfigChecks.seconds(CONFIG, "blackoutSeconds", 30, 1, 3600));
        assertEquals("weight: 101 is not between 1 and 100", reason(() -> ConfigChecks.range(CONFIG, "weight", 101, 1,
                100)));
    }

    @Test
    void secretsAreOpenedAndNeverEchoed() throws Exception {
        assertEquals("clear", ConfigChecks.secret(CONFIG, "secret", "clear", null));
        assertEquals("opened", ConfigChecks.secret(CONFIG, "secret", VAULT.seal("opened"), VAULT));
        assertEquals("secret: is required and must not be empty",
                reason(() -> ConfigChecks.secret(CONFIG, "secret", "", VAULT)));
        String withoutVault = reason(() -> ConfigChecks.secret(CONFIG, "secret", VAULT.seal("hidden"), null));
        assertEquals("secret: is sealed ({aes-gcm}...) but no secret vault is running", withoutVault);
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> ConfigChecks.secret(CONFIG, "secret",
                VAULT.seal("hidden"), null)).waitsForVault(), "a sealed secret without a vault waits for one");
        assertFalse(assertThrows(InvalidConfigurationException.class, () -> ConfigChecks.secret(CONFIG, "secret",
                "{aes-gcm}hidden!", VAULT)).waitsForVault(), "one the vault cannot open is a mistake");
        String foreign = reason(() -> ConfigChecks.secret(CONFIG, "secret", "{aes-gcm}hidden!", VAULT));
        assertEquals("secret: cannot be opened by this appliance's vault (another etc/radmfa-vault.key?)", foreign);
        assertFalse(foreign.contains("hidden"));
        assertEquals("secret: is shorter than 80 bits",
                reason(() -> ConfigChecks.minimumLength(CONFIG, "secret", new byte[9], 10)));
        assertEquals(10, ConfigChecks.minimumLength(CONFIG, "secret", new byte[10], 10).length);
    }
}
