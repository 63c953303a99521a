package org.radmfa.clients.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.SecretVault;
import org.radmfa.api.admin.DefinitionValidator;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.InvalidConfigurationException;

/** Checks a client definition given to the admin service with the parser that reads client files. */
@Component(property = DefinitionValidator.FACTORY_PID + "=" + ClientDefinition.FACTORY_PID)
public final class ClientDefinitionValidator implements DefinitionValidator {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SecretVault vault;

    private final FactoryDefinitions<ClientDefinition.Parsed> definitions = new FactoryDefinitions<>("RADIUS client",
            ClientDefinition.TYPE, config -> ClientDefinition.parse(config, vault));

    @Override
    public Map<String, String> validate(Map<String, String> properties) throws InvalidConfigurationException {
        definitions.validate(properties);
        return properties;
    }
}
