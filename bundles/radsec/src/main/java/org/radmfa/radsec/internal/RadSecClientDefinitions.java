package org.radmfa.radsec.internal;

import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.cm.ManagedServiceFactory;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RadSec clients' factory configurations ({@code etc/org.radmfa.radsec.client-NAME.cfg}), as the RadSec
 * component's own object: ConfigurationAdmin hands each one to this {@link ManagedServiceFactory}, and an accepted
 * client goes into the {@link RadSecClients}. A configuration that does not validate is refused with its file, key
 * and reason; the client's last good definition stays.
 */
final class RadSecClientDefinitions implements ManagedServiceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(RadSecClientDefinitions.class);

    private final RadSecClients clients;
    private final FactoryDefinitions<RadSecClients.Entry> definitions = new FactoryDefinitions<>("RadSec client",
            RadSecClientDefinition.TYPE, RadSecClientDefinition::parse);

    RadSecClientDefinitions(RadSecClients clients) {
        this.clients = clients;
    }

    @Override
    public String getName() {
        return "radmfa RadSec clients";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        FactoryDefinitions.Update<RadSecClients.Entry> update = definitions.update(pid, map(properties),
                (key, entry, config) -> {
                    try {
                        clients.put(key, entry);
                    } catch (IllegalArgumentException e) {
                        throw config.invalid("name", e.getMessage());
                    }
                });
        update.accepted().ifPresent(entry -> LOG.info("RadSec client '{}': {}", entry.name(), entry.identity()));
        update.refusal().ifPresent(refusal -> LOG.error(refusal.message()));
        update.warnings().forEach(LOG::warn);
    }

    @Override
    public void deleted(String pid) {
        definitions.remove(pid);
        clients.remove(pid);
    }

    /** The component stops: its clients go with it. */
    void clear() {
        definitions.clear();
        clients.clear();
    }

    List<Refusal> refusals() {
        return definitions.refusals();
    }

    private static Map<String, Object> map(Dictionary<String, ?> properties) {
        Map<String, Object> map = new HashMap<>();
        for (String key : Collections.list(properties.keys())) {
            map.put(key, properties.get(key));
        }
        return map;
    }
}
