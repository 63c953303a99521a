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
import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.RemoteServerAdmin;
import org.radmfa.api.admin.RemoteServerEntry;
import org.radmfa.api.admin.RemoteServerSettings;
import org.radmfa.api.admin.DefinitionValidator;

/**
 * Servers of remote RADIUS server groups as {@code etc/org.radmfa.proxy.server-<group>-<name>.cfg}, the factory
 * configurations the proxy bundle reads. A server is found by group and name (names are unique within a group
 * only). The shared secret is written sealed by the vault, as the proxy bundle seals a clear one it reads.
 */
@Component(service = RemoteServerAdmin.class)
public final class RemoteServerAdminImpl implements RemoteServerAdmin {
    static final String FACTORY_PID = "org.radmfa.proxy.server";
    /** The keys {@link RemoteServerSettings} sets; any other key of a file is kept as it is. */
    private static final Set<String> MANAGED_KEYS = Set.of("name", "group", "address", "authPort", "acctPort",
            "priority", "weight", "timeoutSeconds", "maxLostRequests", "blackoutSeconds", "forwardAccounting",
            "sendMessageAuthenticator", "requireMessageAuthenticator");

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
    public RemoteServerAdminImpl(@Reference ConfigurationAdmin configurationAdmin, BundleContext context) {
        this.store = new DefinitionStore(configurationAdmin, EtcDirectory.of(context, "remote RADIUS server"),
                FACTORY_PID, "remote RADIUS server", () -> validators.forFactoryPid(FACTORY_PID));
    }

    @Override
    public List<RemoteServerEntry> servers() throws AdminException {
        List<RemoteServerEntry> result = new ArrayList<>();
        for (StoredDefinition definition : store.all()) {
            result.add(entry(definition));
        }
        result.sort(Comparator.comparing((RemoteServerEntry e) -> e.settings().group().toLowerCase())
                .thenComparingInt(e -> e.settings().priority())
                .thenComparing(e -> e.settings().name().toLowerCase()));
        return result;
    }

    @Override
    public Optional<RemoteServerEntry> server(String group, String name) throws AdminException {
        Optional<StoredDefinition> found = find(group, name);
        return found.isPresent() ? Optional.of(entry(found.get())) : Optional.empty();
    }

    @Override
    public synchronized RemoteServerEntry put(RemoteServerSettings settings, String secret) throws AdminException {
        Optional<StoredDefinition> existing = find(settings.group(), settings.name());
        Map<String, String> stored = prepare(settings, secret, existing);
        StoredDefinition result = existing.isPresent() ? store.update(existing.get(), stored)
                : store.create(Checks.name(settings.group()) + "-" + Checks.name(settings.name()), stored);
        return entry(result);
    }

    @Override
    public synchronized void check(RemoteServerSettings settings, String secret) throws AdminException {
        prepare(settings, secret, find(settings.group(), settings.name()));
    }

    @Override
    public synchronized boolean remove(String group, String name) throws AdminException {
        Optional<StoredDefinition> existing = find(group, name);
        if (existing.isEmpty()) {
            return false;
        }
        store.delete(existing.get());
        return true;
    }

    private Optional<StoredDefinition> find(String group, String name) throws AdminException {
        String wantedGroup = group == null ? "" : group.trim();
        String wantedName = name == null ? "" : name.trim();
        return store.all().stream().filter(d -> d.name().trim().equalsIgnoreCase(wantedName)
                && d.get("group", "").equalsIgnoreCase(wantedGroup)).findFirst();
    }

    /** The properties {@link #put} stores, checked by the proxy bundle's validator when it runs. */
    private Map<String, String> prepare(RemoteServerSettings settings, String secret,
            Optional<StoredDefinition> existing) throws AdminException {
        Map<String, String> properties = new LinkedHashMap<>();
        existing.ifPresent(d -> d.properties().forEach((k, v) -> {
            if (!MANAGED_KEYS.contains(k)) {
                properties.put(k, v);
            }
        }));
        properties.put("name", Checks.name(settings.name()));
        properties.put("group", Checks.required("group", settings.group()));
        properties.put("address", Checks.required("address", settings.address()));
        properties.put("authPort", String.valueOf(settings.authPort()));
        properties.put("acctPort", String.valueOf(settings.acctPort()));
        properties.put("priority", String.valueOf(settings.priority()));
        properties.put("weight", String.valueOf(settings.weight()));
        properties.put("timeoutSeconds", String.valueOf(settings.timeoutSeconds()));
        properties.put("maxLostRequests", String.valueOf(settings.maxLostRequests()));
        properties.put("blackoutSeconds", String.valueOf(settings.blackoutSeconds()));
        properties.put("forwardAccounting", String.valueOf(settings.forwardAccounting()));
        properties.put("sendMessageAuthenticator", String.valueOf(settings.sendMessageAuthenticator()));
        properties.put("requireMessageAuthenticator", String.valueOf(settings.requireMessageAuthenticator()));
        if (secret != null) {
            properties.put("secret", sealed(Checks.secret(secret)));
        } else if (existing.isEmpty()) {
            throw new InvalidDefinitionException("secret", "is required for a new remote server");
        }
        if (!store.validatorRunning()) {
            // Without the proxy bundle nothing else checks the numbers: the ranges it would apply.
            range(settings.authPort(), 1, 65535, "authPort");
            range(settings.acctPort(), 1, 65535, "acctPort");
            range(settings.priority(), 1, 65535, "priority");
            range(settings.weight(), 1, 100, "weight");
        }
        return store.validate(properties);
    }

    private static void range(int value, int min, int max, String key) throws InvalidDefinitionException {
        if (value < min || value > max) {
            throw new InvalidDefinitionException(key, value + " is not between " + min + " and " + max);
        }
    }

    private String sealed(String secret) {
        SecretVault current = vault;
        return current == null ? secret : current.seal(secret);
    }

    private RemoteServerEntry entry(StoredDefinition definition) {
        RemoteServerSettings settings = new RemoteServerSettings(definition.get("group", ""), definition.name(),
                definition.get("address", ""), number(definition, "authPort", 1812),
                number(definition, "acctPort", 1813), number(definition, "priority", 1),
                number(definition, "weight", 50), number(definition, "timeoutSeconds", 3),
                number(definition, "maxLostRequests", 5), number(definition, "blackoutSeconds", 30),
                !definition.get("forwardAccounting", "true").equalsIgnoreCase("false"),
                !definition.get("sendMessageAuthenticator", "true").equalsIgnoreCase("false"),
                definition.get("requireMessageAuthenticator", "false").equalsIgnoreCase("true"));
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
        return new RemoteServerEntry(settings, fingerprint, definition.source());
    }

    /** A value as the file has it; one the proxy bundle refuses shows as the default it would not use either. */
    private static int number(StoredDefinition definition, String key, int defaultValue) {
        try {
            return Integer.parseInt(definition.get(key, String.valueOf(defaultValue)));
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }
}
