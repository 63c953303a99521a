package org.radmfa.proxy.internal;

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
 * The remote RADIUS servers' factory configurations ({@code etc/org.radmfa.proxy.server-NAME.cfg}), as the proxy's
 * own object: ConfigurationAdmin hands each one to this {@link ManagedServiceFactory}, and an accepted server goes
 * into the proxy. A configuration that does not validate is refused with its file, key and reason; the server's last
 * good definition keeps serving. A secret in clear is sealed in place by the vault, as clients' secrets are.
 */
final class RemoteServerDefinitions implements ManagedServiceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteServerDefinitions.class);

    private final RadiusProxy proxy;
    private final ConfigurationAdmin configurationAdmin;
    private final FactoryDefinitions<ServerSettings> definitions;
    private volatile SecretVault vault;

    RemoteServerDefinitions(RadiusProxy proxy, ConfigurationAdmin configurationAdmin) {
        this.proxy = proxy;
        this.configurationAdmin = configurationAdmin;
        this.definitions = new FactoryDefinitions<>("remote RADIUS server", RemoteServerDefinition.TYPE,
                config -> RemoteServerDefinition.parse(config, vault))
                .alsoKnown(RemoteServerDefinition.KEYS.toArray(String[]::new)).alsoKnown("tls.");
    }

    @Override
    public String getName() {
        return "radmfa remote RADIUS servers";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        report(definitions.update(pid, map(properties), this::install));
    }

    @Override
    public void deleted(String pid) {
        definitions.remove(pid);
        proxy.remove(pid);
    }

    /** A vault restart must not take the servers away; a server whose secret is sealed waits for one. */
    void vault(SecretVault bound) {
        vault = bound;
        if (bound != null) {
            definitions.readAgain(this::install).forEach(RemoteServerDefinitions::report);
        }
    }

    void vaultGone(SecretVault unbound) {
        if (vault == unbound) {
            vault = null;
        }
    }

    /** The proxy stops: its servers go with it. */
    void clear() {
        definitions.clear();
    }

    List<Refusal> refusals() {
        return definitions.refusals();
    }

    private void install(String pid, ServerSettings settings, ConfigReader config)
            throws InvalidConfigurationException {
        SecretVault sealer = vault;
        String secret = config.string("secret", "");
        if (sealer != null && configurationAdmin != null && !secret.isEmpty()
                && !secret.startsWith(RemoteServerDefinition.SEALED)) {
            sealInPlace(pid, sealer, secret, config.source());
        }
        try {
            proxy.put(pid, settings);
        } catch (IllegalArgumentException e) {
            throw config.invalid("name", e.getMessage());
        }
    }

    private static void report(FactoryDefinitions.Update<ServerSettings> update) {
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

    /** Rewrites the configuration (and so its etc/ file) with the secret sealed, so that it does not rest in clear. */
    private void sealInPlace(String pid, SecretVault sealer, String clear, String source) {
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + pid + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return;
            }
            // Only while it still holds the clear secret read: a newer edit is never sealed over.
            long changes = found[0].getChangeCount();
            Dictionary<String, Object> updated = found[0].getProperties();
            if (!clear.equals(String.valueOf(updated.get("secret")))) {
                return;
            }
            updated.put("secret", sealer.seal(clear));
            if (found[0].getChangeCount() != changes) {
                return;
            }
            found[0].update(updated);
            LOG.info("{}: shared secret sealed by the vault", source);
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.error("{}: could not seal the shared secret ({}); it stays in clear in the file", source,
                    e.toString());
        }
    }
}
