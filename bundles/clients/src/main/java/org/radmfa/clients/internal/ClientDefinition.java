package org.radmfa.clients.internal;

import java.util.Map;
import java.util.Set;

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
import org.radmfa.api.RadiusClient;
import org.radmfa.api.SharedSecret;
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
    static final String FACTORY_PID = "org.radmfa.client";
    private static final Logger LOG = LoggerFactory.getLogger(ClientDefinition.class);
    static final Set<String> KEYS = Set.of("name", "address", "secret", "vendor",
            "requireMessageAuthenticator", "nasTimeoutSeconds", "nasRetries",
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
                        + " CVE-2024-3596). Turn off only for clients that cannot send it.")
        boolean requireMessageAuthenticator() default true;

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
    private final String key;

    @Activate
    public ClientDefinition(@Reference ClientTable table, Map<String, Object> properties) {
        this.table = table;
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

    /** A client as read from its configuration, with its address ready for matching. */
    record Parsed(RadiusClient client, AddressMatcher address) {
    }

    /** Reads a client definition; shared with the validator that checks definitions before they are stored. */
    static Parsed parse(ConfigReader config) throws InvalidConfigurationException {
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
        config.integer("nasTimeoutSeconds", 0, 0, 3600);
        config.integer("nasRetries", 0, 0, 100);
        RadiusClient client = new RadiusClient(name, address.spec(), SharedSecret.of(secretText),
                config.string("vendor", "RADIUS Standard"), config.bool("requireMessageAuthenticator", true));
        return new Parsed(client, address);
    }

    private void configure(Map<String, Object> properties) {
        ConfigReader config = new ConfigReader(properties);
        try {
            Parsed parsed = parse(config);
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
}
