package org.radmfa.directory.local.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.SecretVault;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local user, from one factory configuration ({@code etc/org.radmfa.user-NAME.cfg}). An administrator may
 * write {@code password = ...} in clear once: it is hashed at once and the configuration (and so the file) is
 * rewritten with {@code passwordHash} instead.
 */
@Component(configurationPid = LocalUserDefinition.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = LocalUserDefinition.Config.class, factory = true)
public final class LocalUserDefinition {
    static final String FACTORY_PID = LocalUserAdmin.FACTORY_PID;
    private static final Logger LOG = LoggerFactory.getLogger(LocalUserDefinition.class);
    static final Set<String> KEYS = Set.of("name", "passwordHash", "password", "groups", "enabled",
            "msChapV2", "ntHash", "chap", "chapPassword", "webconsole.configurationFactory.nameHint");
    private static final Pattern NT_HASH = Pattern.compile("[0-9A-Fa-f]{32}");

    @ObjectClassDefinition(name = "radmfa local user", description = "A user of the embedded user store")
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

        String webconsole_configurationFactory_nameHint() default "{name}";
    }

    private final LocalUserTable table;
    private final ConfigurationAdmin configurationAdmin;
    private final SecretVault vault;
    private final String key;
    private final SecureRandom random = new SecureRandom();

    @Activate
    public LocalUserDefinition(@Reference LocalUserTable table, @Reference ConfigurationAdmin configurationAdmin,
            @Reference SecretVault vault, Map<String, Object> properties) {
        this.table = table;
        this.configurationAdmin = configurationAdmin;
        this.vault = vault;
        this.key = String.valueOf(properties.get("service.pid"));
        configure(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
    }

    @Deactivate
    void deactivate() {
        table.remove(key);
    }

    private void configure(Map<String, Object> properties) {
        ConfigReader config = new ConfigReader(properties);
        try {
            String clear = config.string("password", "");
            Map<String, Object> stored = properties;
            if (!clear.isEmpty()) {
                // What replaces the clear-text password in the configuration (and so in the file).
                Map<String, String> replacement = storedCredentials(clear, config.bool("msChapV2", false),
                        config.bool("chap", false), vault, random);
                replaceClearPassword(replacement, config);
                stored = new HashMap<>(properties);
                stored.remove("password");
                stored.putAll(replacement);
            }
            LocalUser user = parse(new ConfigReader(stored), vault);
            try {
                table.put(key, user, config.source());
            } catch (IllegalArgumentException e) {
                throw config.invalid("name", e.getMessage());
            }
            config.unknownKeys(KEYS).forEach(unknown -> LOG.warn("{}: key '{}' is not a user setting and is ignored",
                    config.source(), unknown));
        } catch (InvalidConfigurationException e) {
            LOG.error("Refused local user configuration {}; the last good definition of this user, if any,"
                    + " keeps serving", e.getMessage());
        }
    }

    /**
     * What the store keeps instead of a clear-text password: the salted hash, and the NT hash and the sealed
     * password only where the user allows MS-CHAPv2 or CHAP.
     */
    static Map<String, String> storedCredentials(String clear, boolean msChapV2, boolean chap, SecretVault vault,
            SecureRandom random) {
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
        String name = config.requiredString("name");
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
                config.bool("enabled", true));
    }

    /** Rewrites the configuration so that the clear-text password does not stay on disk. */
    private void replaceClearPassword(Map<String, String> replacement, ConfigReader config) {
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + key + ")");
            if (found == null || found.length == 0) {
                LOG.warn("{}: could not find configuration {} to replace its clear-text password", config.source(),
                        key);
                return;
            }
            // Only while it still holds the clear password read: a newer edit (users-passwd, a hand edit) is never
            // replaced by hashes of the old password.
            long changes = found[0].getChangeCount();
            Dictionary<String, Object> updated = found[0].getProperties();
            if (updated == null || !config.string("password", "").equals(String.valueOf(updated.get("password")))) {
                return;
            }
            updated.remove("password");
            replacement.forEach(updated::put);
            if (found[0].getChangeCount() != changes) {
                return;
            }
            found[0].update(updated);
            LOG.info("{}: clear-text password replaced by {}", config.source(), replacement.keySet());
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.error("{}: could not replace the clear-text password ({}); remove it from the file by hand",
                    config.source(), e.toString());
        }
    }
}
