package org.radmfa.clients.internal;

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
import org.osgi.service.metatype.annotations.Option;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RADIUS client, from one factory configuration ({@code etc/org.radmfa.client-NAME.cfg}). A configuration that
 * does not validate is refused with its file, key and reason; the client's last good definition keeps serving.
 */
@Component(configurationPid = ClientDefinition.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = ClientDefinition.Config.class, factory = true)
public final class ClientDefinition {
    static final String FACTORY_PID = ClientAdmin.FACTORY_PID;
    private static final Logger LOG = LoggerFactory.getLogger(ClientDefinition.class);
    static final Set<String> KEYS = Set.of("name", "address", "secret", "vendor",
            "requireMessageAuthenticator", "limitProxyState", "nasTimeoutSeconds", "nasRetries",
            "webconsole.configurationFactory.nameHint");

    @ObjectClassDefinition(name = "radmfa RADIUS client",
            description = "A NAS (such as a VPN gateway) allowed to send RADIUS requests. Requests from any other"
                    + " address get no answer.")
    @interface Config {
        @AttributeDefinition(name = "Friendly name", description = "Unique name shown in logs and policies")
        String name();

        @AttributeDefinition(name = "Address",
                description = "IP address, CIDR subnet (e.g. an Azure GatewaySubnet 10.1.255.0/27) or DNS name;"
                        + " the most specific match wins")
        String address();

        @AttributeDefinition(name = "Shared secret", type = AttributeType.PASSWORD,
                description = "The secret configured on the NAS for this server")
        String secret();

        @AttributeDefinition(name = "Vendor", description = "NAS vendor, as NPS names it")
        String vendor() default "RADIUS Standard";

        @AttributeDefinition(name = "Require Message-Authenticator",
                description = "Drop Access-Requests without a valid Message-Authenticator (BlastRADIUS,"
                        + " CVE-2024-3596): true always; auto once the client has sent one valid"
                        + " Message-Authenticator (remembered across restarts, as FreeRADIUS 3.2.5 does); false"
                        + " never (only for clients that cannot send it)",
                options = {@Option(label = "required", value = "true"), @Option(label = "auto", value = "auto"),
                    @Option(label = "optional", value = "false")})
        String requireMessageAuthenticator() default "auto";

        @AttributeDefinition(name = "Limit Proxy-State",
                description = "While this client is not required to send a Message-Authenticator, drop its"
                        + " Access-Requests that carry Proxy-State without one (the BlastRADIUS attack hides its"
                        + " collision in Proxy-State). Turn off only for a proxy that cannot sign its requests")
        boolean limitProxyState() default true;

        @AttributeDefinition(name = "NAS timeout (seconds)", required = false,
                description = "How long the NAS waits for an answer before it retries, as set on the NAS; a note for"
                        + " operators (keep the MFA deadline below it). 0: not known")
        int nasTimeoutSeconds() default 0;

        @AttributeDefinition(name = "NAS retries", required = false,
                description = "How often the NAS retries, as set on the NAS; a note for operators. 0: not known")
        int nasRetries() default 0;

        String webconsole_configurationFactory_nameHint() default "{name} ({address})";
    }

    private final ClientTable table;
    private final ConfigurationAdmin configurationAdmin;
    private final String key;
    private volatile SecretVault vault;
    private volatile Map<String, Object> lastProperties;

    @Activate
    public ClientDefinition(@Reference ClientTable table, @Reference ConfigurationAdmin configurationAdmin,
            Map<String, Object> properties) {
        this.table = table;
        this.configurationAdmin = configurationAdmin;
        this.key = String.valueOf(properties.get("service.pid"));
    }

    /** After the references are bound, so that the vault (when there) seals a clear secret of the first version. */
    @Activate
    void activate(Map<String, Object> properties) {
        configure(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
    }

    /**
     * The vault opens sealed secrets and seals clear ones in place. Dynamic: a vault restart must not take every
     * client away; a client whose secret is sealed waits for it (its last good definition keeps serving).
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindVault(SecretVault bound) {
        vault = bound;
        Map<String, Object> properties = lastProperties;
        if (properties != null) {
            configure(properties);
        }
    }

    void unbindVault(SecretVault unbound) {
        if (vault == unbound) {
            vault = null;
        }
    }

    @Deactivate
    void deactivate() {
        table.remove(key);
    }

    /** A client as read from its configuration, with its address ready for matching. */
    record Parsed(RadiusClient client, AddressMatcher address) {
    }

    /** Reads a client definition; shared with the validator that checks definitions before they are stored. */
    /** Prefix of a secret sealed by the appliance's {@link SecretVault}. */
    static final String SEALED = "{aes-gcm}";

    static Parsed parse(ConfigReader config) throws InvalidConfigurationException {
        return parse(config, null);
    }

    static Parsed parse(ConfigReader config, SecretVault vault) throws InvalidConfigurationException {
        String name = config.requiredString("name");
        String addressText = config.requiredString("address");
        AddressMatcher address;
        try {
            address = AddressMatcher.parse(addressText);
        } catch (IllegalArgumentException e) {
            throw config.invalid("address", e.getMessage());
        }
        String secretText = config.string("secret", "");
        if (secretText.isEmpty()) {
            throw config.invalid("secret", "is required and must not be empty");
        }
        if (secretText.startsWith(SEALED)) {
            if (vault == null) {
                throw config.invalid("secret", "is sealed (" + SEALED + "...) but no secret vault is running");
            }
            try {
                secretText = vault.open(secretText);
            } catch (IllegalArgumentException e) {
                throw config.invalid("secret", "cannot be opened by this appliance's vault (another"
                        + " etc/radmfa-vault.key?)");
            }
        }
        config.integer("nasTimeoutSeconds", 0, 0, 3600);
        config.integer("nasRetries", 0, 0, 100);
        MessageAuthenticatorPolicy messageAuthenticator;
        try {
            messageAuthenticator = MessageAuthenticatorPolicy.parse(config.string("requireMessageAuthenticator",
                    MessageAuthenticatorPolicy.AUTO.configValue()));
        } catch (IllegalArgumentException e) {
            throw config.invalid("requireMessageAuthenticator", e.getMessage());
        }
        RadiusClient client = new RadiusClient(name, address.spec(), SharedSecret.of(secretText),
                config.string("vendor", "RADIUS Standard"), messageAuthenticator, config.bool("limitProxyState", true));
        return new Parsed(client, address);
    }

    private synchronized void configure(Map<String, Object> properties) {
        lastProperties = properties;
        ConfigReader config = new ConfigReader(properties);
        try {
            SecretVault sealer = vault;
            Parsed parsed = parse(config, sealer);
            if (sealer != null && !config.string("secret", "").startsWith(SEALED)) {
                sealInPlace(sealer, config);
            }
            RadiusClient client = parsed.client();
            AddressMatcher address = parsed.address();
            try {
                table.put(key, client, address, config.source());
            } catch (IllegalArgumentException e) {
                throw config.invalid(e.getMessage().startsWith("name") ? "name" : "address", e.getMessage());
            }
            config.unknownKeys(KEYS).forEach(unknown -> LOG.warn("{}: key '{}' is not a client setting and is ignored",
                    config.source(), unknown));
        } catch (InvalidConfigurationException e) {
            LOG.error("Refused RADIUS client configuration {}; the last good definition of this client, if any,"
                    + " keeps serving", e.getMessage());
        }
    }

    /**
     * Rewrites the configuration (and so its etc/ file) with the secret sealed, so that it does not rest in clear. Only
     * while the configuration still holds the clear secret this component read: an operator or the admin services may
     * have changed it meanwhile (a new secret, already sealed), and sealing the old one over it would lose that edit.
     */
    private void sealInPlace(SecretVault sealer, ConfigReader config) {
        String clear = config.string("secret", "");
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + key + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return;
            }
            Configuration configuration = found[0];
            long changes = configuration.getChangeCount();
            Dictionary<String, Object> updated = configuration.getProperties();
            if (!clear.equals(String.valueOf(updated.get("secret")))) {
                LOG.debug("{}: the secret changed before it could be sealed; the newer one is kept", config.source());
                return;
            }
            updated.put("secret", sealer.seal(clear));
            if (configuration.getChangeCount() != changes) {
                return;
            }
            configuration.update(updated);
            LOG.info("{}: shared secret sealed by the vault", config.source());
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.error("{}: could not seal the shared secret ({}); it stays in clear in the file", config.source(),
                    e.toString());
        }
    }
}
