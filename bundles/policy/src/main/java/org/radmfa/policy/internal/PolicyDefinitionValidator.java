package org.radmfa.policy.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.AttributeDictionary;
import org.radmfa.api.admin.DefinitionValidator;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * Checks a network policy given to the admin service with the parser that reads policy files, reply attributes
 * against the dictionary when the transport offers one.
 */
@Component(property = DefinitionValidator.FACTORY_PID + "=" + PolicyDefinition.FACTORY_PID)
public final class PolicyDefinitionValidator implements DefinitionValidator {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AttributeDictionary dictionary;

    private final FactoryDefinitions<NetworkPolicy> definitions = new FactoryDefinitions<>("network policy",
            PolicyDefinition.TYPE, this::read).alsoKnown("condition.", "reply.")
            .alsoKnown(PolicyDefinition.KEYS.toArray(String[]::new));

    @Override
    public Map<String, String> validate(Map<String, String> properties) throws InvalidConfigurationException {
        definitions.validate(properties);
        return properties;
    }

    private NetworkPolicy read(ConfigReader config) throws InvalidConfigurationException {
        NetworkPolicy policy = PolicyDefinition.parse(config);
        PolicyDefinition.checkReplies(policy, dictionary, config);
        return policy;
    }
}
