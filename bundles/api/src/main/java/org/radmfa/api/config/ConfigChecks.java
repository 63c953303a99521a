package org.radmfa.api.config;

import java.time.Duration;
import java.util.regex.Pattern;

import org.radmfa.api.Cidr;
import org.radmfa.api.SecretVault;

/**
 * Checks that several kinds of configuration share (names, addresses, networks, ports, durations, secrets), each
 * refusing with the file, the key and the same reason wherever it is used.
 *
 * @since 1.2
 */
public final class ConfigChecks {
    /** Prefix of a secret sealed by the appliance's {@link SecretVault}. */
    public static final String SEALED = "{aes-gcm}";

    private static final Pattern HOST_OR_ADDRESS = Pattern.compile("[A-Za-z0-9.:_-]+");

    private ConfigChecks() {
    }

    /** A name: present, not blank, trimmed. */
    public static String name(ConfigReader config, String key) throws InvalidConfigurationException {
        return config.requiredString(key);
    }

    /** An IP address or a DNS name (not resolved here); present. */
    public static String hostOrAddress(ConfigReader config, String key) throws InvalidConfigurationException {
        String address = config.requiredString(key);
        if (!HOST_OR_ADDRESS.matcher(address).matches()) {
            throw config.invalid(key, "'" + address + "' is neither an IP address nor a DNS name");
        }
        return address;
    }

    /** An IP address or a CIDR network. */
    public static Cidr cidr(ConfigReader config, String key, String text) throws InvalidConfigurationException {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw config.invalid(key, e.getMessage());
        }
    }

    /** A whole number within [min, max] (given as read, e.g. from a typed configuration). */
    public static int range(ConfigReader config, String key, int value, int min, int max)
            throws InvalidConfigurationException {
        if (value < min || value > max) {
            throw config.invalid(key, value + " is not between " + min + " and " + max);
        }
        return value;
    }

    /** A UDP or TCP port, 1 to 65535. */
    public static int port(ConfigReader config, String key, int value) throws InvalidConfigurationException {
        return range(config, key, value, 1, 65535);
    }

    /** A number of seconds within [min, max], as a duration. */
    public static Duration seconds(ConfigReader config, String key, int value, int min, int max)
            throws InvalidConfigurationException {
        return Duration.ofSeconds(range(config, key, value, min, max));
    }

    /**
     * A shared secret in clear, from the text of a configuration: present, and opened by the vault when it is sealed
     * ({@value #SEALED}...). The reasons never contain the secret.
     *
     * @param vault null when no vault runs: a sealed secret then waits for one
     *     ({@link InvalidConfigurationException#waitsForVault()}) and is read again when one comes
     */
    public static String secret(ConfigReader config, String key, String text, SecretVault vault)
            throws InvalidConfigurationException {
        if (text == null || text.isEmpty()) {
            throw config.invalid(key, "is required and must not be empty");
        }
        if (!text.startsWith(SEALED)) {
            return text;
        }
        if (vault == null) {
            throw config.waitsForVault(key);
        }
        try {
            return vault.open(text);
        } catch (IllegalArgumentException e) {
            throw config.invalid(key, "cannot be opened by this appliance's vault (another etc/radmfa-vault.key?)");
        }
    }

    /** A secret of at least {@code minBytes} bytes, e.g. a TOTP key of 80 bits. */
    public static byte[] minimumLength(ConfigReader config, String key, byte[] secret, int minBytes)
            throws InvalidConfigurationException {
        if (secret.length < minBytes) {
            throw config.invalid(key, "is shorter than " + minBytes * 8 + " bits");
        }
        return secret;
    }
}
