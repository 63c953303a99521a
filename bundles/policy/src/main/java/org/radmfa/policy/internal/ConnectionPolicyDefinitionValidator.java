package org.radmfa.policy.internal;

import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.radmfa.api.admin.DefinitionValidator;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;

/** Checks a connection request policy given to the admin service with the parser that reads its files. */
@Component(property = DefinitionValidator.FACTORY_PID + "=" + ConnectionPolicyDefinition.FACTORY_PID)
public final class ConnectionPolicyDefinitionValidator implements DefinitionValidator {

    @Override
    public Map<String, String> validate(Map<String, String> properties) throws InvalidConfigurationException {
        ConfigReader config = new ConfigReader(properties);
        ConnectionPolicyDefinition.parse(config);
        // A file's unknown key is only warned about; given here it is most likely a typo, so it is refused.
        Optional<String> unknown = config.unknownKeys(ConnectionPolicyDefinition.KEYS, "condition.", "rewrite.")
                .stream().findFirst();
        if (unknown.isPresent()) {
            throw config.invalid(unknown.get(), "is not a connection request policy setting");
        }
        return properties;
    }
}
