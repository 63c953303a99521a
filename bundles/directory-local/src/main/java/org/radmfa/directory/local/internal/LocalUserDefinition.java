package org.radmfa.directory.local.internal;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.radmfa.api.DialIn;
import org.radmfa.api.SecretVault;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.config.ConfigChecks;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * What is specific to a local user's factory configuration ({@code etc/org.radmfa.user-NAME.cfg}): its keys and
 * defaults, how it is read, and what replaces a clear-text {@code password} (the salted hash, and the NT hash and the
 * sealed password only where the user allows MS-CHAPv2 or CHAP). {@link LocalUserDefinitions} feeds the files to the
 * shared read-refuse-keep-last-good code.
 */
final class LocalUserDefinition {
    static final String FACTORY_PID = LocalUserAdmin.FACTORY_PID;
    static final ConfigType TYPE = ConfigType.of(Config.class);
    private static final Pattern NT_HASH = Pattern.compile("[0-9A-Fa-f]{32}");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private LocalUserDefinition() {
    }

    @ObjectClassDefinition(name = "radmfa local user", factoryPid = FACTORY_PID,
            description = "A user of the embedded user store")
    @interface Config {
        @AttributeDefinition(name = "User name", description = "The RADIUS User-Name, matched without case")
        String name();

        @AttributeDefinition(name = "Password hash",
                description = "$pbkdf2-sha256$<iterations>$<salt>$<hash>; set 'password' instead to have it hashed")
        String passwordHash() default "";

        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
                description = "Clear-text password, replaced by its hash as soon as it is read")
        String password() default "";

        @AttributeDefinition(name = "Groups", description = "Comma-separated group names for policy conditions")
        String groups() default "";

        @AttributeDefinition(name = "Enabled")
        boolean enabled() default true;

        @AttributeDefinition(name = "Allow MS-CHAPv2",
                description = "Keep the NT hash MS-CHAPv2 and EAP-MSCHAPv2 need when a clear password is set. The NT"
                        + " hash is unsalted MD4 and as good as the password for MS-CHAP: allow it only for users who"
                        + " need it (IKEv2 VPN clients do)")
        boolean msChapV2() default false;

        @AttributeDefinition(name = "Allow CHAP",
                description = "Keep the password with reversible encryption (AES-GCM, key in etc/radmfa-vault.key)"
                        + " when a clear password is set: CHAP cannot work from a hash")
        boolean chap() default false;

        @AttributeDefinition(name = "CHAP password", required = false, type = AttributeType.PASSWORD,
                description = "{aes-gcm}...; present only for users allowed CHAP")
        String chapPassword();

        @AttributeDefinition(name = "NT hash", required = false,
                description = "32 hex digits; present only for users allowed MS-CHAPv2")
        String ntHash();

        @AttributeDefinition(name = "Network access permission (dial-in)", description = "As a Windows account's"
                + " Dial-in tab, for network policies that do not ignore user dial-in properties: deny rejects,"
                + " allow grants under a policy whose access is decided by the account, policy leaves it to the"
                + " policy", options = {@Option(label = "Control access through network policy", value = "policy"),
                        @Option(label = "Allow access", value = "allow"),
                        @Option(label = "Deny access", value = "deny")})
        String dialIn() default "policy";

        @AttributeDefinition(name = "Verify caller ID", required = false,
                description = "Comma-separated Calling-Station-Id values the user may connect from; empty: any")
        String callerId();

        @AttributeDefinition(name = "Static IP address", required = false,
                description = "An IPv4 address returned as Framed-IP-Address")
        String framedIpAddress();

        @AttributeDefinition(name = "Static routes", required = false,
                description = "Comma-separated Framed-Route values, e.g. '10.20.0.0/16 0.0.0.0 1'")
        String framedRoute();

        String webconsole_configurationFactory_nameHint() default "{name}";
    }

    /**
     * What the store keeps instead of a clear-text password: the salted hash, and the NT hash and the sealed
     * password only where the user allows MS-CHAPv2 or CHAP.
     */
    static Map<String, String> storedCredentials(String clear, boolean msChapV2, boolean chap, SecretVault vault,
            SecureRandom random) {
        if (chap && vault == null) {
            throw new IllegalStateException("CHAP keeps the password sealed by the vault, and no vault is running");
        }
        Map<String, String> stored = new LinkedHashMap<>();
        stored.put("passwordHash", PasswordHash.create(clear, random).encoded());
        if (msChapV2) {
            stored.put("ntHash", HexFormat.of().formatHex(MsChapV2.ntHash(clear)));
        }
        if (chap) {
            stored.put("chapPassword", vault.seal(clear));
        }
        return stored;
    }

    /** Reads a user whose credentials are stored (no clear-text password). */
    static LocalUser parse(ConfigReader config, SecretVault vault) throws InvalidConfigurationException {
        String name = ConfigChecks.name(config, "name");
        // Read only where a clear password is hashed, but refused here too so that a typo never passes unnoticed.
        config.bool("msChapV2");
        config.bool("chap");
        byte[] ntHash = null;
        String ntHashText = config.string("ntHash", "");
        if (!ntHashText.isEmpty()) {
            if (!NT_HASH.matcher(ntHashText).matches()) {
                throw config.invalid("ntHash", "must be 32 hexadecimal digits");
            }
            ntHash = HexFormat.of().parseHex(ntHashText);
        }
        String chapPassword = null;
        String chapText = config.string("chapPassword", "");
        if (!chapText.isEmpty()) {
            if (vault == null) {
                throw config.waitsForVault("chapPassword");
            }
            try {
                chapPassword = vault.open(chapText);
            } catch (IllegalArgumentException e) {
                throw config.invalid("chapPassword", e.getMessage());
            }
        }
        String hashText = config.string("passwordHash", "");
        if (hashText.isEmpty()) {
            throw config.invalid("passwordHash", "is required (or set 'password' to have it hashed)");
        }
        PasswordHash hash;
        try {
            hash = PasswordHash.parse(hashText);
        } catch (IllegalArgumentException e) {
            throw config.invalid("passwordHash", e.getMessage());
        }
        return new LocalUser(name, hash, ntHash, chapPassword, new HashSet<>(config.list("groups")),
                config.bool("enabled"), dialIn(config));
    }

    private static DialIn dialIn(ConfigReader config) throws InvalidConfigurationException {
        String permission = config.string("dialIn", "policy").toLowerCase(Locale.ROOT);
        DialIn.Access access = switch (permission) {
            case "policy" -> DialIn.Access.POLICY;
            case "allow" -> DialIn.Access.ALLOW;
            case "deny" -> DialIn.Access.DENY;
            default -> throw config.invalid("dialIn", "'" + permission + "' is not policy, allow or deny");
        };
        String address = config.string("framedIpAddress", "").trim();
        if (!address.isEmpty() && !IPV4.matcher(address).matches()) {
            throw config.invalid("framedIpAddress", "'" + address + "' is not an IPv4 address");
        }
        DialIn dialIn = new DialIn(access, new LinkedHashSet<>(config.list("callerId")),
                address.isEmpty() ? null : address, config.list("framedRoute"));
        return dialIn.isEmpty() ? DialIn.NONE : dialIn;
    }
}
