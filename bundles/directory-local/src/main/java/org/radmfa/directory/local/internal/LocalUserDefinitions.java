package org.radmfa.directory.local.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.api.config.Refusal;
import org.radmfa.config.support.FactoryConfigurations;
import org.radmfa.config.support.VaultBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local users' factory configurations ({@code etc/org.radmfa.user-NAME.cfg}), as the directory's own object:
 * ConfigurationAdmin hands each one to {@link #files()}, and an accepted user goes into the directory. An administrator may write {@code password = ...} in clear once: it is hashed at once and the
 * configuration (and so the file) is rewritten with {@code passwordHash} instead. A configuration that does not
 * validate is refused with its file, key and reason; the user's last good definition keeps serving.
 */
final class LocalUserDefinitions {
    private static final Logger LOG = LoggerFactory.getLogger(LocalUserDefinitions.class);

    private final LocalUserDirectory directory;
    private final ConfigurationAdmin configurationAdmin;
    private final FactoryConfigurations<LocalUser> files;
    private final SecureRandom random = new SecureRandom();
    private final VaultBinding vault = new VaultBinding(this::readAgain);

    LocalUserDefinitions(LocalUserDirectory directory, ConfigurationAdmin configurationAdmin) {
        this.directory = directory;
        this.configurationAdmin = configurationAdmin;
        this.files = new FactoryConfigurations<>("radmfa local users", new FactoryDefinitions<>("local user",
                LocalUserDefinition.TYPE, config -> LocalUserDefinition.parse(config, vault.get())), this::install,
                directory::remove, LOG).preparedBy(this::withoutClearPassword);
    }

    /** The ManagedServiceFactory the directory registers for {@link LocalUserDefinition#FACTORY_PID}. */
    FactoryConfigurations<LocalUser> files() {
        return files;
    }

    /** Sealed CHAP passwords wait for the vault; they are read again when it comes. */
    VaultBinding vault() {
        return vault;
    }

    private void readAgain() {
        files.readAgain();
    }

    /** The configurations refused right now. */
    List<Refusal> refusals() {
        return files.refusals();
    }

    private void install(String pid, LocalUser user, ConfigReader config) throws InvalidConfigurationException {
        try {
            directory.put(pid, user, config.source());
        } catch (IllegalArgumentException e) {
            throw config.invalid("name", e.getMessage());
        }
    }

    /**
     * The properties with a clear-text password replaced by what the store keeps, written back to the configuration
     * first so that the clear text does not stay on disk. Unchanged when they cannot be hashed: reading them refuses
     * the same key.
     */
    private Map<String, Object> withoutClearPassword(String pid, Map<String, Object> properties) {
        ConfigReader config = LocalUserDefinition.TYPE.read(properties);
        String clear = config.string("password", "");
        if (clear.isEmpty()) {
            return properties;
        }
        Map<String, String> replacement;
        try {
            replacement = LocalUserDefinition.storedCredentials(clear, config.bool("msChapV2"), config.bool("chap"),
                    vault.get(), random);
        } catch (InvalidConfigurationException e) {
            return properties; // reading them refuses the same key, with file and reason
        } catch (IllegalStateException e) {
            LOG.error("{}: the clear-text password cannot be hashed yet ({}); it stays in the file until it can",
                    config.source(), e.getMessage());
            return properties;
        }
        replaceClearPassword(pid, clear, replacement, config.source());
        Map<String, Object> stored = new HashMap<>(properties);
        stored.remove("password");
        stored.putAll(replacement);
        return stored;
    }

    /** Rewrites the configuration so that the clear-text password does not stay on disk. */
    private void replaceClearPassword(String pid, String clear, Map<String, String> replacement, String source) {
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + pid + ")");
            if (found == null || found.length == 0) {
                LOG.warn("{}: could not find configuration {} to replace its clear-text password", source, pid);
                return;
            }
            // Only while it still holds the clear password read: a newer edit (users-passwd, a hand edit) is never
            // replaced by hashes of the old password.
            long changes = found[0].getChangeCount();
            Dictionary<String, Object> updated = found[0].getProperties();
            if (updated == null || !clear.equals(String.valueOf(updated.get("password")))) {
                return;
            }
            updated.remove("password");
            replacement.forEach(updated::put);
            if (found[0].getChangeCount() != changes) {
                return;
            }
            found[0].update(updated);
            LOG.info("{}: clear-text password replaced by {}", source, replacement.keySet());
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.error("{}: could not replace the clear-text password ({}); remove it from the file by hand", source,
                    e.toString());
        }
    }

}
