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
import org.radmfa.api.admin.AdminException;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.LocalUserEntry;
import org.radmfa.api.admin.LocalUserSettings;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.admin.DefinitionValidator;

/**
 * Local users as {@code etc/org.radmfa.user-<name>.cfg}. A password is turned into what the store keeps by the
 * local directory's own validator before anything is written, so the clear text never reaches a file or
 * ConfigurationAdmin; without that validator (bundle radmfa-directory-local stopped) passwords are refused.
 */
@Component(service = LocalUserAdmin.class)
public final class LocalUserAdminImpl implements LocalUserAdmin {
    static final String FACTORY_PID = LocalUserAdmin.FACTORY_PID;
    private static final Set<String> MANAGED_KEYS = Set.of("name", "groups", "enabled", "msChapV2", "chap",
            "password");
    private static final Set<String> CREDENTIAL_KEYS = Set.of("passwordHash", "ntHash", "chapPassword");

    private final DefinitionStore store;

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
    public LocalUserAdminImpl(@Reference ConfigurationAdmin configurationAdmin, BundleContext context) {
        this.store = new DefinitionStore(configurationAdmin, EtcDirectory.of(context, "local user"), FACTORY_PID,
                "local user", () -> validators.forFactoryPid(FACTORY_PID));
    }

    @Override
    public List<LocalUserEntry> users() throws AdminException {
        List<LocalUserEntry> result = new ArrayList<>();
        for (StoredDefinition definition : store.all()) {
            result.add(entry(definition));
        }
        result.sort(Comparator.comparing(e -> e.settings().name().toLowerCase()));
        return result;
    }

    @Override
    public Optional<LocalUserEntry> user(String name) throws AdminException {
        Optional<StoredDefinition> found = store.find(name);
        return found.isPresent() ? Optional.of(entry(found.get())) : Optional.empty();
    }

    @Override
    public synchronized LocalUserEntry put(LocalUserSettings settings, String password) throws AdminException {
        String name = Checks.name(settings.name());
        Optional<StoredDefinition> existing = store.find(name);
        Map<String, String> properties = new LinkedHashMap<>();
        existing.ifPresent(d -> d.properties().forEach((k, v) -> {
            if (!MANAGED_KEYS.contains(k)) {
                properties.put(k, v);
            }
        }));
        properties.put("name", name);
        List<String> groups = new ArrayList<>();
        for (String group : settings.groups()) {
            String trimmed = group.trim();
            if (trimmed.contains(",")) {
                throw new InvalidDefinitionException("groups", "group '" + trimmed + "' contains a comma");
            }
            if (!trimmed.isEmpty()) {
                groups.add(trimmed);
            }
        }
        properties.put("groups", String.join(", ", groups));
        properties.put("enabled", String.valueOf(settings.enabled()));
        properties.put("msChapV2", String.valueOf(settings.msChapV2()));
        properties.put("chap", String.valueOf(settings.chap()));
        if (password != null) {
            CREDENTIAL_KEYS.forEach(properties::remove);
            properties.put("password", Checks.credential("password", password));
        } else if (existing.isEmpty()) {
            throw new InvalidDefinitionException("password", "is required for a new user");
        } else {
            // What a user is no longer allowed goes at once; what is newly allowed needs the password again.
            if (!settings.msChapV2()) {
                properties.remove("ntHash");
            } else if (!properties.containsKey("ntHash")) {
                throw new InvalidDefinitionException("msChapV2",
                        "needs the password to store its NT hash: set the password again");
            }
            if (!settings.chap()) {
                properties.remove("chapPassword");
            } else if (!properties.containsKey("chapPassword")) {
                throw new InvalidDefinitionException("chap",
                        "needs the password to store it for CHAP: set the password again");
            }
        }
        return entry(store(existing, name, properties));
    }

    @Override
    public synchronized LocalUserEntry setPassword(String name, String password) throws AdminException {
        StoredDefinition existing = store.require(name);
        Map<String, String> properties = new LinkedHashMap<>(existing.properties());
        // A user who could use MS-CHAPv2 or CHAP with the old password can with the new one.
        LocalUserSettings settings = entry(existing).settings();
        properties.put("msChapV2", String.valueOf(settings.msChapV2()));
        properties.put("chap", String.valueOf(settings.chap()));
        CREDENTIAL_KEYS.forEach(properties::remove);
        properties.put("password", Checks.credential("password", password));
        return entry(store(Optional.of(existing), existing.name(), properties));
    }

    @Override
    public synchronized LocalUserEntry setEnabled(String name, boolean enabled) throws AdminException {
        StoredDefinition existing = store.require(name);
        Map<String, String> properties = new LinkedHashMap<>(existing.properties());
        properties.put("enabled", String.valueOf(enabled));
        return entry(store(Optional.of(existing), existing.name(), properties));
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

    private StoredDefinition store(Optional<StoredDefinition> existing, String name, Map<String, String> properties)
            throws AdminException {
        if (properties.containsKey("password") && !store.validatorRunning()) {
            throw new AdminException("the local user directory (feature radmfa-directory-local) is not running:"
                    + " passwords cannot be hashed, so none is stored");
        }
        Map<String, String> stored = store.validate(properties);
        if (stored.containsKey("password")) {
            // Never store a clear-text password, whatever a validator returned.
            throw new AdminException("the password was not replaced by its hash; nothing stored");
        }
        return existing.isPresent() ? store.update(existing.get(), stored) : store.create(name, stored);
    }

    private static LocalUserEntry entry(StoredDefinition definition) {
        List<String> groups = List.of(definition.get("groups", "").split(",")).stream().map(String::trim)
                .filter(g -> !g.isEmpty()).toList();
        boolean hasNtHash = !definition.get("ntHash", "").isEmpty();
        boolean hasChapPassword = !definition.get("chapPassword", "").isEmpty();
        // A stored NT hash or sealed password allows the method even where the file does not say so (the demo).
        LocalUserSettings settings = new LocalUserSettings(definition.name(), groups,
                !definition.get("enabled", "true").equalsIgnoreCase("false"),
                hasNtHash || definition.get("msChapV2", "false").equalsIgnoreCase("true"),
                hasChapPassword || definition.get("chap", "false").equalsIgnoreCase("true"));
        return new LocalUserEntry(settings, hasNtHash, hasChapPassword, definition.source());
    }
}
