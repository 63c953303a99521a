package org.radmfa.clients.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.config.ConfigChecks;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * What is specific to a RADIUS client's factory configuration ({@code etc/org.radmfa.client-NAME.cfg}): its keys and
 * defaults, how it is read, with the vault opening a sealed secret. Reading, refusing and keeping the last good
 * definition are {@link FactoryDefinitions}'; {@link ClientDefinitions} feeds it.
 */
final class ClientDefinition {
    static final String FACTORY_PID = ClientAdmin.FACTORY_PID;
    static final ConfigType TYPE = ConfigType.of(Config.class);
    /** Prefix of a secret sealed by the appliance's {@link SecretVault}. */
    static final String SEALED = ConfigChecks.SEALED;

    private ClientDefinition() {
    }

    @ObjectClassDefinition(name = "radmfa RADIUS client", factoryPid = FACTORY_PID,
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

    /** A client as read from its configuration, with its address ready for matching. */
    record Parsed(RadiusClient client, AddressMatcher address) {
    }

    /** Reads a client definition; the configuration type's defaults apply. */
    static Parsed parse(ConfigReader config, SecretVault vault) throws InvalidConfigurationException {
        String name = config.requiredString("name");
        String addressText = config.requiredString("address");
        AddressMatcher address;
        try {
            address = AddressMatcher.parse(addressText);
        } catch (IllegalArgumentException e) {
            throw config.invalid("address", e.getMessage());
        }
        String secretText = ConfigChecks.secret(config, "secret", config.string("secret"), vault);
        config.integer("nasTimeoutSeconds", 0, 3600);
        config.integer("nasRetries", 0, 100);
        MessageAuthenticatorPolicy messageAuthenticator;
        try {
            messageAuthenticator = MessageAuthenticatorPolicy.parse(config.string("requireMessageAuthenticator"));
        } catch (IllegalArgumentException e) {
            throw config.invalid("requireMessageAuthenticator", e.getMessage());
        }
        RadiusClient client = new RadiusClient(name, address.spec(), SharedSecret.of(secretText),
                config.string("vendor"), messageAuthenticator, config.bool("limitProxyState"));
        return new Parsed(client, address);
    }


}
