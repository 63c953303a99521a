package org.radmfa.proxy.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
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

/**
 * Checks a remote server given to the admin service with the parser that reads its file, so that what the shell or
 * the NPS import stores is what this bundle accepts.
 */
@Component(property = DefinitionValidator.FACTORY_PID + "=" + RemoteServerDefinition.FACTORY_PID)
public final class RemoteServerValidator implements DefinitionValidator {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SecretVault vault;

    @Override
    public Map<String, String> validate(Map<String, String> properties) throws InvalidConfigurationException {
        ConfigReader source = new ConfigReader(properties);
        RemoteServerDefinition.parse(typed(properties, source), source, vault);
        // A file's unknown key is only warned about; given here it is most likely a typo, so it is refused.
        Optional<String> unknown = source.unknownKeys(RemoteServerDefinition.KEYS).stream().findFirst();
        if (unknown.isPresent()) {
            throw source.invalid(unknown.get(), "is not a remote RADIUS server setting");
        }
        return properties;
    }

    /**
     * The typed configuration DS would make of these properties: the same key names ({@code a_b} is {@code a.b}) and
     * the defaults of {@link RemoteServerDefinition.Config}, so that the defaults stay in one place.
     */
    static RemoteServerDefinition.Config typed(Map<String, String> properties, ConfigReader source)
            throws InvalidConfigurationException {
        for (Method method : RemoteServerDefinition.Config.class.getDeclaredMethods()) {
            String text = properties.get(key(method));
            if (text != null && !text.isBlank() && method.getReturnType() == int.class) {
                try {
                    Integer.parseInt(text.trim());
                } catch (NumberFormatException e) {
                    throw source.invalid(key(method), "'" + text + "' is not a whole number");
                }
            }
            if (text != null && !text.isBlank() && method.getReturnType() == boolean.class
                    && !text.trim().equalsIgnoreCase("true") && !text.trim().equalsIgnoreCase("false")) {
                throw source.invalid(key(method), "'" + text + "' is neither true nor false");
            }
        }
        return (RemoteServerDefinition.Config) Proxy.newProxyInstance(RemoteServerDefinition.Config.class
                .getClassLoader(), new Class<?>[] {RemoteServerDefinition.Config.class},
                (proxy, method, args) -> {
                    String text = properties.get(key(method));
                    if (text == null || text.isBlank()) {
                        return method.getDefaultValue();
                    }
                    if (method.getReturnType() == int.class) {
                        return Integer.parseInt(text.trim());
                    }
                    if (method.getReturnType() == boolean.class) {
                        return Boolean.parseBoolean(text.trim());
                    }
                    return method.getReturnType() == String.class ? text : method.getDefaultValue();
                });
    }

    private static String key(Method method) {
        return method.getName().replace('_', '.');
    }
}
