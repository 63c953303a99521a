package org.radmfa.radsec.internal;

import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.config.ConfigReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RadSec client from one factory configuration ({@code etc/org.radmfa.radsec.client-NAME.cfg}). A configuration
 * that does not validate is refused with its file, key and reason; the client's last good definition stays.
 */
@Component(configurationPid = RadSecClientDefinition.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = RadSecClientDefinition.Config.class, factory = true)
public final class RadSecClientDefinition {
    static final String FACTORY_PID = "org.radmfa.radsec.client";
    private static final Logger LOG = LoggerFactory.getLogger(RadSecClientDefinition.class);
    private static final Set<String> KEYS = Set.of("name", "certificateSubject", "certificateName",
            "certificateFingerprint", "address", "webconsole.configurationFactory.nameHint");

    @ObjectClassDefinition(name = "radmfa RadSec client",
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

    private final RadSecClients clients;
    private final String key;

    @Activate
    public RadSecClientDefinition(@Reference RadSecClients clients, Config config, Map<String, Object> properties) {
        this.clients = clients;
        this.key = String.valueOf(properties.get("service.pid"));
        configure(config, properties);
    }

    @Modified
    void modified(Config config, Map<String, Object> properties) {
        configure(config, properties);
    }

    @Deactivate
    void deactivate() {
        clients.remove(key);
    }

    private void configure(Config config, Map<String, Object> properties) {
        ConfigReader source = new ConfigReader(properties);
        String name = config.name() == null ? "" : config.name().trim();
        try {
            if (name.isEmpty()) {
                throw source.invalid("name", "is required");
            }
            CertificateIdentity identity;
            try {
                identity = CertificateIdentity.parse(config.certificateSubject(), config.certificateName(),
                        config.certificateFingerprint(), source.list("address"));
            } catch (IllegalArgumentException e) {
                throw source.invalid(e.getMessage().startsWith("certificate") || e.getMessage().startsWith("one of")
                        ? "certificate*" : "address", e.getMessage());
            }
            try {
                clients.put(key, new RadSecClients.Entry(name, identity));
            } catch (IllegalArgumentException e) {
                throw source.invalid("name", e.getMessage());
            }
            source.unknownKeys(KEYS).forEach(unknown -> LOG.warn("{}: key '{}' is not a RadSec client setting and is"
                    + " ignored", source.source(), unknown));
            LOG.info("RadSec client '{}': {}", name, identity);
        } catch (org.radmfa.api.config.InvalidConfigurationException e) {
            LOG.error("Refused RadSec client configuration {}; the last good definition of this client, if any,"
                    + " stays", e.getMessage());
        }
    }
}
