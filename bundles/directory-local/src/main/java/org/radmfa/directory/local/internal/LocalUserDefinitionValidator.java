package org.radmfa.directory.local.internal;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.radmfa.api.SecretVault;
import org.radmfa.api.admin.DefinitionValidator;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * Checks a user definition given to the admin service, and turns its clear-text {@code password} into what the
 * store keeps (the same code that replaces a password written into a user's file), so that the clear text is never
 * stored, not even for the moment a file would hold it.
 */
@Component(property = DefinitionValidator.FACTORY_PID + "=" + LocalUserDefinition.FACTORY_PID)
public final class LocalUserDefinitionValidator implements DefinitionValidator {
    private final SecretVault vault;
    private final SecureRandom random = new SecureRandom();

    @Activate
    public LocalUserDefinitionValidator(@Reference SecretVault vault) {
        this.vault = vault;
    }

    @Override
    public Map<String, String> validate(Map<String, String> properties) throws InvalidConfigurationException {
        ConfigReader given = new ConfigReader(properties);
        Map<String, String> stored = new LinkedHashMap<>(properties);
        String clear = stored.remove("password");
        if (clear != null && !clear.isEmpty()) {
            stored.putAll(LocalUserDefinition.storedCredentials(clear, given.bool("msChapV2", false),
                    given.bool("chap", false), vault, random));
        }
        ConfigReader config = new ConfigReader(stored);
        LocalUserDefinition.parse(config, vault);
        // A file's unknown key is only warned about; given here it is most likely a typo, so it is refused.
        Optional<String> unknown = config.unknownKeys(LocalUserDefinition.KEYS).stream().findFirst();
        if (unknown.isPresent()) {
            throw config.invalid(unknown.get(), "is not a user setting");
        }
        return stored;
    }
}
