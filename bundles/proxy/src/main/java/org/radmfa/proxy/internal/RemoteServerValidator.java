package org.radmfa.proxy.internal;

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

/**
 * Checks a remote server given to the admin service with the parser that reads its file (and the defaults of its
 * typed configuration), so that what the shell or the NPS import stores is what this bundle accepts.
 */
@Component(property = DefinitionValidator.FACTORY_PID + "=" + RemoteServerDefinition.FACTORY_PID)
public final class RemoteServerValidator implements DefinitionValidator {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SecretVault vault;

    private final FactoryDefinitions<ServerSettings> definitions = new FactoryDefinitions<>("remote RADIUS server",
            RemoteServerDefinition.TYPE, config -> RemoteServerDefinition.parse(config, vault))
            .alsoKnown(RemoteServerDefinition.KEYS.toArray(String[]::new));

    @Override
    public Map<String, String> validate(Map<String, String> properties) throws InvalidConfigurationException {
        definitions.validate(properties);
        return properties;
    }
}
