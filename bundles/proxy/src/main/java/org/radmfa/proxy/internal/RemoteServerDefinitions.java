package org.radmfa.proxy.internal;

import java.util.List;

import org.osgi.service.cm.ConfigurationAdmin;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.api.config.Refusal;
import org.radmfa.config.support.FactoryConfigurations;
import org.radmfa.config.support.SealedInPlace;
import org.radmfa.config.support.VaultBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote RADIUS servers' factory configurations ({@code etc/org.radmfa.proxy.server-NAME.cfg}), as the proxy's
 * own object: ConfigurationAdmin hands each one to {@link #files()}, and an accepted server goes into the proxy. A
 * configuration that does not validate is refused with its file, key and reason; the server's last good definition
 * keeps serving. A secret in clear is sealed in place by the vault, as clients' secrets are.
 */
final class RemoteServerDefinitions {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteServerDefinitions.class);

    private final RadiusProxy proxy;
    private final ConfigurationAdmin configurationAdmin;
    private final FactoryConfigurations<ServerSettings> files;
    private final VaultBinding vault = new VaultBinding(this::readAgain);

    RemoteServerDefinitions(RadiusProxy proxy, ConfigurationAdmin configurationAdmin) {
        this.proxy = proxy;
        this.configurationAdmin = configurationAdmin;
        this.files = new FactoryConfigurations<>("radmfa remote RADIUS servers",
                new FactoryDefinitions<>("remote RADIUS server", RemoteServerDefinition.TYPE,
                        config -> RemoteServerDefinition.parse(config, vault.get()))
                        .alsoKnown(RemoteServerDefinition.KEYS.toArray(String[]::new)).alsoKnown("tls."),
                this::install, proxy::remove, LOG);
    }

    /** The ManagedServiceFactory the proxy registers for {@link RemoteServerDefinition#FACTORY_PID}. */
    FactoryConfigurations<ServerSettings> files() {
        return files;
    }

    /** A vault restart must not take the servers away; a server whose secret is sealed waits for one. */
    VaultBinding vault() {
        return vault;
    }

    private void readAgain() {
        files.readAgain();
    }

    List<Refusal> refusals() {
        return files.refusals();
    }

    private void install(String pid, ServerSettings settings, ConfigReader config)
            throws InvalidConfigurationException {
        SealedInPlace.seal(configurationAdmin, pid, "secret", config.string("secret", ""), vault.get(),
                config.source())
                .report(LOG, "shared secret", "the shared secret");
        try {
            proxy.put(pid, settings);
        } catch (IllegalArgumentException e) {
            throw config.invalid("name", e.getMessage());
        }
    }
}
