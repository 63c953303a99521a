package org.radmfa.clients.internal;

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
 * The RADIUS clients' factory configurations ({@code etc/org.radmfa.client-NAME.cfg}), as the registry's own object:
 * ConfigurationAdmin hands each one to {@link #files()}, and an accepted client goes into the registry. A
 * configuration that does not validate is refused with its file, key and reason; the client's last good definition
 * keeps serving. A secret in clear is sealed in place when a vault runs.
 */
final class ClientDefinitions {
    private static final Logger LOG = LoggerFactory.getLogger(ClientDefinitions.class);

    private final ClientRegistryImpl registry;
    private final ConfigurationAdmin configurationAdmin;
    private final FactoryConfigurations<ClientDefinition.Parsed> files;
    private final VaultBinding vault = new VaultBinding(this::readAgain);

    ClientDefinitions(ClientRegistryImpl registry, ConfigurationAdmin configurationAdmin) {
        this.registry = registry;
        this.configurationAdmin = configurationAdmin;
        this.files = new FactoryConfigurations<>("radmfa RADIUS clients", new FactoryDefinitions<>("RADIUS client",
                ClientDefinition.TYPE, config -> ClientDefinition.parse(config, vault.get())), this::install,
                registry::remove, LOG);
    }

    /** The ManagedServiceFactory the registry registers for {@link ClientDefinition#FACTORY_PID}. */
    FactoryConfigurations<ClientDefinition.Parsed> files() {
        return files;
    }

    /**
     * The vault opens sealed secrets and seals clear ones in place. A vault restart must not take every client away;
     * a client whose secret is sealed waits for it (its last good definition keeps serving), and is read again when
     * one comes.
     */
    VaultBinding vault() {
        return vault;
    }

    private void readAgain() {
        files.readAgain();
        registry.offerWhenSettled(false);
    }

    /** The configurations refused right now. */
    List<Refusal> refusals() {
        return files.refusals();
    }

    /** The files of the clients whose sealed secrets wait for the vault right now. */
    List<String> waitingForVault() {
        return files.refusals().stream().filter(Refusal::waitsForVault).map(Refusal::source).toList();
    }

    private void install(String pid, ClientDefinition.Parsed parsed, ConfigReader config)
            throws InvalidConfigurationException {
        SealedInPlace.seal(configurationAdmin, pid, "secret", config.string("secret", ""), vault.get(),
                config.source())
                .report(LOG, "shared secret", "the shared secret");
        try {
            registry.put(pid, parsed.client(), parsed.address(), config.source());
        } catch (IllegalArgumentException e) {
            throw config.invalid(e.getMessage().startsWith("name") ? "name" : "address", e.getMessage());
        }
    }
}
