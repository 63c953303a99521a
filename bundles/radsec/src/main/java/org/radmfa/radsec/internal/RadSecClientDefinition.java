package org.radmfa.radsec.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.config.ConfigChecks;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * What is specific to a RadSec client's factory configuration ({@code etc/org.radmfa.radsec.client-NAME.cfg}): its
 * keys and defaults, and how it is read. Reading, refusing and keeping the last good definition are
 * {@link FactoryDefinitions}'; {@link RadSecClientDefinitions}, the listener component's own object, feeds it.
 */
final class RadSecClientDefinition {
    static final String FACTORY_PID = "org.radmfa.radsec.client";

    private RadSecClientDefinition() {
    }

    @ObjectClassDefinition(name = "radmfa RadSec client", factoryPid = FACTORY_PID,
            description = "A RADIUS client that connects over TLS (RadSec, RFC 6614), recognised by its certificate")
    @interface Config {
        @AttributeDefinition(name = "Name", description = "The client's name in logs, counters and policies")
        String name();

        @AttributeDefinition(name = "Certificate subject", required = false,
                description = "The client certificate's subject DN exactly, e.g. CN=nas1,O=Example")
        String certificateSubject() default "";

        @AttributeDefinition(name = "Certificate name", required = false,
                description = "A DNS or IP subjectAltName of the client certificate (or its CN when it has no DNS"
                        + " subjectAltName)")
        String certificateName() default "";

        @AttributeDefinition(name = "Certificate fingerprint", required = false,
                description = "SHA-256 of the client certificate (openssl x509 -fingerprint -sha256), colons allowed")
        String certificateFingerprint() default "";

        @AttributeDefinition(name = "Address", required = false,
                description = "Comma-separated IP addresses or CIDR networks the client may connect from; empty:"
                        + " anywhere")
        String address() default "";

        String webconsole_configurationFactory_nameHint() default "{name} ({certificateName}{certificateSubject})";
    }

    static final ConfigType TYPE = ConfigType.of(Config.class);

    /** Reads a RadSec client: its name and how its certificate (and network) is recognised. */
    static RadSecClients.Entry parse(ConfigReader config) throws InvalidConfigurationException {
        String name = ConfigChecks.name(config, "name");
        try {
            return new RadSecClients.Entry(name, CertificateIdentity.parse(config.string("certificateSubject"),
                    config.string("certificateName"), config.string("certificateFingerprint"), config.list(
                            "address")));
        } catch (IllegalArgumentException e) {
            throw config.invalid(e.getMessage().startsWith("certificate") || e.getMessage().startsWith("one of")
                    ? "certificate*" : "address", e.getMessage());
        }
    }
}
