package org.radmfa.proxy.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One remote RADIUS server of a remote RADIUS server group, from one factory configuration
 * ({@code etc/org.radmfa.proxy.server-NAME.cfg}); a group is the servers that name it. The settings are NPS's. A
 * configuration that does not validate is refused with its file, key and reason; the server's last good definition
 * keeps serving. A secret in clear is sealed in place by the vault, as clients' secrets are.
 */
@Component(configurationPid = RemoteServerDefinition.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = RemoteServerDefinition.Config.class, factory = true)
public final class RemoteServerDefinition {
    static final String FACTORY_PID = "org.radmfa.proxy.server";
    private static final Logger LOG = LoggerFactory.getLogger(RemoteServerDefinition.class);
    /** Prefix of a secret sealed by the appliance's {@link SecretVault}. */
    static final String SEALED = "{aes-gcm}";
    static final Set<String> KEYS = Set.of("name", "group", "address", "authPort", "acctPort", "secret", "priority",
            "weight", "timeoutSeconds", "maxLostRequests", "blackoutSeconds", "forwardAccounting",
            "sendMessageAuthenticator", "requireMessageAuthenticator", "webconsole.configurationFactory.nameHint",
            "transport");

    @ObjectClassDefinition(name = "radmfa remote RADIUS server",
            description = "A RADIUS server that connection request policies with action forward send requests to,"
                    + " as a member of a remote RADIUS server group (NPS)")
    @interface Config {
        @AttributeDefinition(name = "Server name", description = "Unique within its group; shown in logs and traces")
        String name();

        @AttributeDefinition(name = "Remote server group",
                description = "The group a connection request policy's serverGroup names")
        String group();

        @AttributeDefinition(name = "Address", description = "IP address or DNS name of the remote server")
        String address();

        @AttributeDefinition(name = "Authentication port")
        int authPort() default 1812;

        @AttributeDefinition(name = "Accounting port")
        int acctPort() default 1813;

        @AttributeDefinition(name = "Shared secret", type = AttributeType.PASSWORD,
                description = "The secret the remote server has for this appliance; sealed by the vault at rest")
        String secret();

        @AttributeDefinition(name = "Priority", description = "Lower first; servers of a higher priority get"
                + " requests only when those of lower ones are down or do not answer (NPS, 1-65535)")
        int priority() default 1;

        @AttributeDefinition(name = "Weight", description = "Share of the requests among servers of the same"
                + " priority (NPS, 1-100)")
        int weight() default 50;

        @AttributeDefinition(name = "Timeout (seconds)", description = "Seconds without an answer before a request"
                + " counts as lost and goes to the next server (NPS: 3)")
        int timeoutSeconds() default 3;

        @AttributeDefinition(name = "Maximum lost requests", description = "Requests in a row without an answer"
                + " after which the server is down (NPS: 5)")
        int maxLostRequests() default 5;

        @AttributeDefinition(name = "Blackout interval (seconds)", description = "While down, the server is probed"
                + " with Status-Server (RFC 5997) this often; its first answer brings it back (NPS: 30)")
        int blackoutSeconds() default 30;

        @AttributeDefinition(name = "Forward accounting", description = "Send Accounting-Requests of forwarded"
                + " users to this server too")
        boolean forwardAccounting() default true;

        @AttributeDefinition(name = "Send Message-Authenticator", description = "Sign every Access-Request with a"
                + " Message-Authenticator (RFC 3579; BlastRADIUS, CVE-2024-3596)")
        boolean sendMessageAuthenticator() default true;

        @AttributeDefinition(name = "Require Message-Authenticator", description = "Treat an answer without a"
                + " valid Message-Authenticator as no answer (servers patched for BlastRADIUS send one)")
        boolean requireMessageAuthenticator() default false;

        String webconsole_configurationFactory_nameHint() default "{group}: {name} ({address})";
    }

    private final RadiusProxy proxy;
    private final ConfigurationAdmin configurationAdmin;
    private final String key;
    private volatile SecretVault vault;
    private volatile Config lastConfig;
    private volatile Map<String, Object> lastProperties;

    @Activate
    public RemoteServerDefinition(@Reference RadiusProxy proxy, @Reference ConfigurationAdmin configurationAdmin,
            Map<String, Object> properties) {
        this.proxy = proxy;
        this.configurationAdmin = configurationAdmin;
        this.key = String.valueOf(properties.get("service.pid"));
    }

    /** After the references are bound, so that the vault (when there) seals a clear secret of the first version. */
    @Activate
    void activate(Config config, Map<String, Object> properties) {
        configure(config, properties);
    }

    @Modified
    void modified(Config config, Map<String, Object> properties) {
        configure(config, properties);
    }

    /** Dynamic: a vault restart must not take the servers away; a sealed secret waits for it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindVault(SecretVault bound) {
        vault = bound;
        Config config = lastConfig;
        if (config != null) {
            configure(config, lastProperties);
        }
    }

    void unbindVault(SecretVault unbound) {
        if (vault == unbound) {
            vault = null;
        }
    }

    @Deactivate
    void deactivate() {
        proxy.remove(key);
    }

    /** Reads and checks a server definition; the typed configuration holds the defaults. */
    static ServerSettings parse(Config config, ConfigReader source, SecretVault vault)
            throws InvalidConfigurationException {
        String name = required(config.name(), "name", source);
        String group = required(config.group(), "group", source);
        String address = required(config.address(), "address", source);
        if (!address.matches("[A-Za-z0-9.:_-]+")) {
            throw source.invalid("address", "'" + address + "' is neither an IP address nor a DNS name");
        }
        range(config.authPort(), 1, 65535, "authPort", source);
        range(config.acctPort(), 1, 65535, "acctPort", source);
        range(config.priority(), 1, 65535, "priority", source);
        range(config.weight(), 1, 100, "weight", source);
        range(config.timeoutSeconds(), 1, 60, "timeoutSeconds", source);
        range(config.maxLostRequests(), 1, 1000, "maxLostRequests", source);
        range(config.blackoutSeconds(), 1, 3600, "blackoutSeconds", source);
        RadSecSettings radsec = RadSecSettings.parse(source, vault);
        String secret = config.secret() == null ? "" : config.secret();
        if (radsec != null) {
            secret = secret.isEmpty() ? RadSecSettings.SECRET : secret;
        }
        if (secret.isEmpty()) {
            throw source.invalid("secret", "is required and must not be empty");
        }
        if (secret.startsWith(SEALED)) {
            if (vault == null) {
                throw source.invalid("secret", "is sealed (" + SEALED + "...) but no secret vault is running");
            }
            try {
                secret = vault.open(secret);
            } catch (IllegalArgumentException e) {
                throw source.invalid("secret", "cannot be opened by this appliance's vault (another"
                        + " etc/radmfa-vault.key?)");
            }
        }
        // RadSec's port is 2083 (RFC 6614) unless one is configured; accounting shares the connection.
        int authPort = radsec != null && source.string("authPort", null) == null ? RadSecSettings.PORT
                : config.authPort();
        return new ServerSettings(name, group, address, authPort, config.acctPort(), SharedSecret.of(secret),
                config.priority(), config.weight(), config.timeoutSeconds() * 1000L, config.maxLostRequests(),
                config.blackoutSeconds() * 1000L, config.forwardAccounting(), config.sendMessageAuthenticator(),
                config.requireMessageAuthenticator(), radsec);
    }

    private static String required(String value, String key, ConfigReader source)
            throws InvalidConfigurationException {
        if (value == null || value.isBlank()) {
            throw source.invalid(key, "is required");
        }
        return value.trim();
    }

    private static void range(int value, int min, int max, String key, ConfigReader source)
            throws InvalidConfigurationException {
        if (value < min || value > max) {
            throw source.invalid(key, value + " is not between " + min + " and " + max);
        }
    }

    private synchronized void configure(Config config, Map<String, Object> properties) {
        lastConfig = config;
        lastProperties = properties;
        ConfigReader source = new ConfigReader(properties);
        try {
            SecretVault sealer = vault;
            ServerSettings settings = parse(config, source, sealer);
            if (sealer != null && config.secret() != null && !config.secret().isEmpty()
                    && !config.secret().startsWith(SEALED)) {
                sealInPlace(sealer, config.secret(), source);
            }
            try {
                proxy.put(key, settings);
            } catch (IllegalArgumentException e) {
                throw source.invalid("name", e.getMessage());
            }
            source.unknownKeys(KEYS, "tls.").forEach(unknown -> LOG.warn(
                    "{}: key '{}' is not a remote RADIUS server setting and is ignored", source.source(), unknown));
        } catch (InvalidConfigurationException e) {
            LOG.error("Refused remote RADIUS server configuration {}; the last good definition of this server, if"
                    + " any, keeps serving", e.getMessage());
        }
    }

    /** Rewrites the configuration (and so its etc/ file) with the secret sealed, so that it does not rest in clear. */
    private void sealInPlace(SecretVault sealer, String clear, ConfigReader source) {
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + key + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return;
            }
            // Only while it still holds the clear secret read: a newer edit is never sealed over.
            long changes = found[0].getChangeCount();
            Dictionary<String, Object> updated = found[0].getProperties();
            if (!clear.equals(String.valueOf(updated.get("secret")))) {
                return;
            }
            updated.put("secret", sealer.seal(clear));
            if (found[0].getChangeCount() != changes) {
                return;
            }
            found[0].update(updated);
            LOG.info("{}: shared secret sealed by the vault", source.source());
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.error("{}: could not seal the shared secret ({}); it stays in clear in the file", source.source(),
                    e.toString());
        }
    }
}
