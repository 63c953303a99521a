package org.radmfa.clients.internal;

import java.io.IOException;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedServiceFactory;
import org.radmfa.api.SecretVault;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.api.config.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RADIUS clients' factory configurations ({@code etc/org.radmfa.client-NAME.cfg}), as the registry's own object:
 * ConfigurationAdmin hands each one to this {@link ManagedServiceFactory}, and an accepted client goes into the
 * registry. A configuration that does not validate is refused with its file, key and reason; the client's last good
 * definition keeps serving. A secret in clear is sealed in place when a vault runs.
 */
final class ClientDefinitions implements ManagedServiceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(ClientDefinitions.class);

    private final ClientRegistryImpl registry;
    private final ConfigurationAdmin configurationAdmin;
    private final FactoryDefinitions<ClientDefinition.Parsed> definitions;
    private volatile SecretVault vault;

    ClientDefinitions(ClientRegistryImpl registry, ConfigurationAdmin configurationAdmin) {
        this.registry = registry;
        this.configurationAdmin = configurationAdmin;
        this.definitions = new FactoryDefinitions<>("RADIUS client", ClientDefinition.TYPE,
                config -> ClientDefinition.parse(config, vault));
    }

    @Override
    public String getName() {
        return "radmfa RADIUS clients";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        report(definitions.update(pid, map(properties), this::install));
    }

    @Override
    public void deleted(String pid) {
        definitions.remove(pid);
        registry.remove(pid);
    }

    /**
     * The vault opens sealed secrets and seals clear ones in place. A vault restart must not take every client away;
     * a client whose secret is sealed waits for it (its last good definition keeps serving), and is read again when
     * one comes.
     */
    void vault(SecretVault bound) {
        vault = bound;
        if (bound != null) {
            definitions.readAgain(this::install).forEach(ClientDefinitions::report);
        }
    }

    void vaultGone(SecretVault unbound) {
        if (vault == unbound) {
            vault = null;
        }
    }

    /** The configurations refused right now. */
    List<Refusal> refusals() {
        return definitions.refusals();
    }

    private void install(String pid, ClientDefinition.Parsed parsed, ConfigReader config)
            throws InvalidConfigurationException {
        SecretVault sealer = vault;
        String secret = config.string("secret", "");
        if (sealer != null && configurationAdmin != null && !secret.startsWith(ClientDefinition.SEALED)) {
            sealInPlace(pid, sealer, secret, config.source());
        }
        try {
            registry.put(pid, parsed.client(), parsed.address(), config.source());
        } catch (IllegalArgumentException e) {
            throw config.invalid(e.getMessage().startsWith("name") ? "name" : "address", e.getMessage());
        }
    }

    private static void report(FactoryDefinitions.Update<ClientDefinition.Parsed> update) {
        update.refusal().ifPresent(refusal -> LOG.error(refusal.message()));
        update.warnings().forEach(LOG::warn);
    }

    private static Map<String, Object> map(Dictionary<String, ?> properties) {
        Map<String, Object> map = new HashMap<>();
        for (String key : Collections.list(properties.keys())) {
            map.put(key, properties.get(key));
        }
        return map;
    }

    /**
     * Rewrites the configuration (and so its etc/ file) with the secret sealed, so that it does not rest in clear. Only
     * while the configuration still holds the clear secret this component read: an operator or the admin services may
     * have changed it meanwhile (a new secret, already sealed), and sealing the old one over it would lose that edit.
     */
    private void sealInPlace(String pid, SecretVault sealer, String clear, String source) {
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + pid + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return;
            }
            Configuration configuration = found[0];
            long changes = configuration.getChangeCount();
            Dictionary<String, Object> updated = configuration.getProperties();
            if (!clear.equals(String.valueOf(updated.get("secret")))) {
                LOG.debug("{}: the secret changed before it could be sealed; the newer one is kept", source);
                return;
            }
            updated.put("secret", sealer.seal(clear));
            if (configuration.getChangeCount() != changes) {
                return;
            }
            configuration.update(updated);
            LOG.info("{}: shared secret sealed by the vault", source);
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.error("{}: could not seal the shared secret ({}); it stays in clear in the file", source, e.toString());
        }
    }
}
