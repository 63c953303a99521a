package org.radmfa.policy.internal;

import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.AttributeDictionary;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.admin.DefinitionValidator;
import org.radmfa.api.config.ConfigReader;
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

    @Override
    public Map<String, String> validate(Map<String, String> properties) throws InvalidConfigurationException {
        ConfigReader config = new ConfigReader(properties);
        NetworkPolicy policy = PolicyDefinition.parse(config);
        AttributeDictionary checker = dictionary;
        if (checker != null) {
            for (ReplyAttribute reply : policy.replyAttributes()) {
                String problem = checker.problem(reply.name(), reply.value()).orElse(null);
                if (problem != null) {
                    throw config.invalid(PolicyDefinition.replyKey(reply), problem);
                }
            }
        }
        // A file's unknown key is only warned about; given here it is most likely a typo, so it is refused.
        Optional<String> unknown = config.unknownKeys(PolicyDefinition.KEYS, "condition.", "reply.").stream().findFirst();
        if (unknown.isPresent()) {
            throw config.invalid(unknown.get(), "is not a network policy setting");
        }
        return properties;
    }
}
