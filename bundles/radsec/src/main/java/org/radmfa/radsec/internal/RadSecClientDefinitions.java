package org.radmfa.radsec.internal;

import java.util.List;

import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.api.config.Refusal;
import org.radmfa.config.support.FactoryConfigurations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RadSec clients' factory configurations ({@code etc/org.radmfa.radsec.client-NAME.cfg}), as the RadSec
 * component's own object: ConfigurationAdmin hands each one to {@link #files()}, and an accepted client goes into
 * the {@link RadSecClients}. A configuration that does not validate is refused with its file, key and reason; the
 * client's last good definition stays.
 */
final class RadSecClientDefinitions {
    private static final Logger LOG = LoggerFactory.getLogger(RadSecClientDefinitions.class);

    private final RadSecClients clients;
    private final Runnable changed;
    private final FactoryConfigurations<RadSecClients.Entry> files;

    /** @param changed told after a client was added, changed or removed: its open connections are judged again */
    RadSecClientDefinitions(RadSecClients clients, Runnable changed) {
        this.clients = clients;
        this.changed = changed;
        this.files = new FactoryConfigurations<>("radmfa RadSec clients", new FactoryDefinitions<>("RadSec client",
                RadSecClientDefinition.TYPE, RadSecClientDefinition::parse), this::install, this::remove, LOG);
    }

    /** The ManagedServiceFactory the RadSec component registers for {@link RadSecClientDefinition#FACTORY_PID}. */
    FactoryConfigurations<RadSecClients.Entry> files() {
        return files;
    }

    /** The component stops: its clients go with it. */
    void clear() {
        files.clear();
        clients.clear();
    }

    List<Refusal> refusals() {
        return files.refusals();
    }

    /** The last step of reading a client: once in the table, it is accepted. */
    private void install(String pid, RadSecClients.Entry entry, ConfigReader config)
            throws InvalidConfigurationException {
        try {
            clients.put(pid, entry);
        } catch (IllegalArgumentException e) {
            throw config.invalid("name", e.getMessage());
        }
        LOG.info("RadSec client '{}': {}", entry.name(), entry.identity());
        changed.run();
    }

    private void remove(String pid) {
        clients.remove(pid);
        changed.run();
    }
}
