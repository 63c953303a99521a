package org.radmfa.policy.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.radmfa.api.admin.DefinitionValidator;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.InvalidConfigurationException;

/** Checks a connection request policy given to the admin service with the parser that reads its files. */
@Component(property = DefinitionValidator.FACTORY_PID + "=" + ConnectionPolicyDefinition.FACTORY_PID)
public final class ConnectionPolicyDefinitionValidator implements DefinitionValidator {
    private final FactoryDefinitions<ConnectionRequestPolicy> definitions = new FactoryDefinitions<>(
            "connection request policy", ConnectionPolicyDefinition.TYPE, ConnectionPolicyDefinition::parse)
            .alsoKnown("condition.", "rewrite.").alsoKnown(ConnectionPolicyDefinition.KEYS.toArray(String[]::new));

    @Override
    public Map<String, String> validate(Map<String, String> properties) throws InvalidConfigurationException {
        definitions.validate(properties);
        return properties;
    }
}
