package org.radmfa.radsec.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.config.ConfigChecks;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RadSec client from one factory configuration ({@code etc/org.radmfa.radsec.client-NAME.cfg}), read through the
 * API's FactoryDefinitions: a configuration that does not validate is refused with its file, key and reason; the
 * client's last good definition stays.
 */
@Component(configurationPid = RadSecClientDefinition.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = RadSecClientDefinition.Config.class, factory = true)
public final class RadSecClientDefinition {
    static final String FACTORY_PID = "org.radmfa.radsec.client";
    private static final Logger LOG = LoggerFactory.getLogger(RadSecClientDefinition.class);

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

    static final ConfigType TYPE = ConfigType.of(Config.class);

    private final RadSecClients clients;
    private final String key;
    /** This configuration's last good definition; one entry, keyed by its PID. */
    private final FactoryDefinitions<RadSecClients.Entry> definition = new FactoryDefinitions<>("RadSec client", TYPE,
            RadSecClientDefinition::parse);

    @Activate
    public RadSecClientDefinition(@Reference RadSecClients clients, Map<String, Object> properties) {
        this.clients = clients;
        this.key = String.valueOf(properties.get("service.pid"));
        configure(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
    }

    @Deactivate
    void deactivate() {
        clients.remove(key);
    }

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

    private synchronized void configure(Map<String, Object> properties) {
        FactoryDefinitions.Update<RadSecClients.Entry> update = definition.update(key, properties,
                (pid, entry, config) -> {
                    try {
                        clients.put(pid, entry);
                    } catch (IllegalArgumentException e) {
                        throw config.invalid("name", e.getMessage());
                    }
                });
        update.accepted().ifPresent(entry -> LOG.info("RadSec client '{}': {}", entry.name(), entry.identity()));
        update.refusal().ifPresent(refusal -> LOG.error(refusal.message()));
        update.warnings().forEach(LOG::warn);
    }
}
