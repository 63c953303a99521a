package org.radmfa.directory.local.internal;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.radmfa.api.SecretVault;
import org.radmfa.api.admin.DefinitionValidator;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.FactoryDefinitions;
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
    private final FactoryDefinitions<LocalUser> definitions;

    @Activate
    public LocalUserDefinitionValidator(@Reference SecretVault vault) {
        this.vault = vault;
        this.definitions = new FactoryDefinitions<>("local user", LocalUserDefinition.TYPE,
                config -> LocalUserDefinition.parse(config, vault));
    }

    @Override
    public Map<String, String> validate(Map<String, String> properties) throws InvalidConfigurationException {
        ConfigReader given = LocalUserDefinition.TYPE.read(properties);
        Map<String, String> stored = new LinkedHashMap<>(properties);
        String clear = stored.remove("password");
        if (clear != null && !clear.isEmpty()) {
            stored.putAll(LocalUserDefinition.storedCredentials(clear, given.bool("msChapV2"), given.bool("chap"),
                    vault, random));
        }
        definitions.validate(stored);
        return stored;
    }
}
