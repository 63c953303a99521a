package org.radmfa.clients.internal;

import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.SecretVault;
import org.radmfa.api.admin.DefinitionValidator;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;

/** Checks a client definition given to the admin service with the parser that reads client files. */
@Component(property = DefinitionValidator.FACTORY_PID + "=" + ClientDefinition.FACTORY_PID)
public final class ClientDefinitionValidator implements DefinitionValidator {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SecretVault vault;

    @Override
    public Map<String, String> validate(Map<String, String> properties) throws InvalidConfigurationException {
        ConfigReader config = new ConfigReader(properties);
        ClientDefinition.parse(config, vault);
        // A file's unknown key is only warned about; given here it is most likely a typo, so it is refused.
        Optional<String> unknown = config.unknownKeys(ClientDefinition.KEYS).stream().findFirst();
        if (unknown.isPresent()) {
            throw config.invalid(unknown.get(), "is not a client setting");
        }
        return properties;
    }
}
