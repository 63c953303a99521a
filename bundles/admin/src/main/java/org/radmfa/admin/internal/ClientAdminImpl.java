package org.radmfa.admin.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientEntry;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.DefinitionValidator;

/**
 * RADIUS clients as {@code etc/org.radmfa.client-<name>.cfg}. The shared secret is written sealed by the vault
 * ({@code {aes-gcm}...}, as the clients bundle seals a clear one it reads); it is never returned, only its
 * fingerprint.
 */
@Component(service = ClientAdmin.class)
public final class ClientAdminImpl implements ClientAdmin {
    static final String FACTORY_PID = ClientAdmin.FACTORY_PID;
    /** The keys {@link ClientSettings} sets; any other key of a file is kept as it is. */
    private static final Set<String> MANAGED_KEYS = Set.of("name", "address", "vendor",
            "requireMessageAuthenticator", "limitProxyState", "nasTimeoutSeconds", "nasRetries");

    private final DefinitionStore store;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SecretVault vault;

    /** The validators of the bundles that read the files; dynamic: they come and go with those bundles. */
    private final Validators validators = new Validators();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindValidator(DefinitionValidator validator, Map<String, Object> properties) {
        validators.bind(validator, properties);
    }

    void unbindValidator(DefinitionValidator validator, Map<String, Object> properties) {
        validators.unbind(validator, properties);
    }

    @Activate
    public ClientAdminImpl(@Reference ConfigurationAdmin configurationAdmin, BundleContext context) {
        this.store = new DefinitionStore(configurationAdmin, EtcDirectory.of(context, "RADIUS client"), FACTORY_PID,
                "RADIUS client", () -> validators.forFactoryPid(FACTORY_PID));
    }

    @Override
    public List<ClientEntry> clients() throws AdminException {
        List<ClientEntry> result = new ArrayList<>();
        for (StoredDefinition definition : store.all()) {
            result.add(entry(definition));
        }
        result.sort(Comparator.comparing(e -> e.settings().name().toLowerCase()));
        return result;
    }

    @Override
    public Optional<ClientEntry> client(String name) throws AdminException {
        Optional<StoredDefinition> found = store.find(name);
        return found.isPresent() ? Optional.of(entry(found.get())) : Optional.empty();
    }

    @Override
    public synchronized ClientEntry put(ClientSettings settings, String secret) throws AdminException {
        Optional<StoredDefinition> existing = store.find(Checks.name(settings.name()));
        Map<String, String> stored = prepare(settings, secret, existing);
        StoredDefinition result = existing.isPresent() ? store.update(existing.get(), stored)
                : store.create(Checks.name(settings.name()), stored);
        return entry(result);
    }

    @Override
    public synchronized void check(ClientSettings settings, String secret) throws AdminException {
        prepare(settings, secret, store.find(Checks.name(settings.name())));
    }

    /** The properties {@link #put} stores, checked against the other clients and by the clients bundle. */
    private Map<String, String> prepare(ClientSettings settings, String secret, Optional<StoredDefinition> existing)
            throws AdminException {
        String name = Checks.name(settings.name());
        Map<String, String> properties = new LinkedHashMap<>();
        existing.ifPresent(d -> d.properties().forEach((k, v) -> {
            if (!MANAGED_KEYS.contains(k)) {
                properties.put(k, v);
            }
        }));
        properties.put("name", name);
        properties.put("address", Checks.required("address", settings.address()));
        properties.put("vendor", settings.vendor().trim());
        properties.put("requireMessageAuthenticator", settings.messageAuthenticator().configValue());
        properties.put("limitProxyState", String.valueOf(settings.limitProxyState()));
        putHint(properties, "nasTimeoutSeconds", settings.nasTimeoutSeconds(), 3600);
        putHint(properties, "nasRetries", settings.nasRetries(), 100);
        if (secret != null) {
            properties.put("secret", sealed(Checks.secret(secret)));
        } else if (existing.isEmpty()) {
            throw new InvalidDefinitionException("secret", "is required for a new client");
        }
        for (StoredDefinition other : store.all()) {
            if (existing.isPresent() && other.pid().equals(existing.get().pid())) {
                continue;
            }
            if (other.get("address", "").equalsIgnoreCase(properties.get("address"))) {
                throw new InvalidDefinitionException("address", "'" + properties.get("address")
                        + "' is already registered by " + other.source() + " as client '" + other.name() + "'");
            }
        }
        return store.validate(properties);
    }

    @Override
    public synchronized ClientEntry setSecret(String name, String secret) throws AdminException {
        StoredDefinition existing = store.require(name);
        Map<String, String> properties = new LinkedHashMap<>(existing.properties());
        properties.put("secret", sealed(Checks.secret(secret)));
        return entry(store.update(existing, store.validate(properties)));
    }

    @Override
    public synchronized boolean remove(String name) throws AdminException {
        Optional<StoredDefinition> existing = store.find(name);
        if (existing.isEmpty()) {
            return false;
        }
        store.delete(existing.get());
        return true;
    }

    private static void putHint(Map<String, String> properties, String key, int value, int max)
            throws InvalidDefinitionException {
        if (value < 0 || value > max) {
            throw new InvalidDefinitionException(key, value + " is out of range 0.." + max);
        }
        if (value == 0) {
            properties.remove(key);
        } else {
            properties.put(key, String.valueOf(value));
        }
    }

    /** The secret as it is written: sealed when the vault runs (a clear one would be sealed by the clients bundle). */
    private String sealed(String secret) {
        SecretVault current = vault;
        return current == null ? secret : current.seal(secret);
    }

    private ClientEntry entry(StoredDefinition definition) {
        MessageAuthenticatorPolicy messageAuthenticator;
        try {
            messageAuthenticator = MessageAuthenticatorPolicy.parse(definition.get("requireMessageAuthenticator",
                    MessageAuthenticatorPolicy.AUTO.configValue()));
        } catch (IllegalArgumentException e) {
            // The clients bundle refuses such a file (its last good definition serves): shown as the strictest.
            messageAuthenticator = MessageAuthenticatorPolicy.REQUIRED;
        }
        ClientSettings settings = new ClientSettings(definition.name(), definition.get("address", ""),
                definition.get("vendor", "RADIUS Standard"), messageAuthenticator,
                !definition.get("limitProxyState", "true").equalsIgnoreCase("false"),
                Checks.intOrZero(definition.get("nasTimeoutSeconds", "0")),
                Checks.intOrZero(definition.get("nasRetries", "0")));
        String secret = definition.properties().get("secret");
        SecretVault current = vault;
        if (secret != null && secret.startsWith("{aes-gcm}") && current != null) {
            try {
                secret = current.open(secret);
            } catch (IllegalArgumentException e) {
                secret = null;
            }
        }
        String fingerprint = secret == null || secret.isEmpty() ? "(none)" : SharedSecret.of(secret).fingerprint();
        return new ClientEntry(settings, fingerprint, definition.source());
    }
}
