package org.radmfa.api.admin;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * Registered by the bundle that reads a factory configuration, with the service property
 * {@value #FACTORY_PID} naming it, so that a definition given to an admin service is checked by the same parser that
 * will read it from its file, before it is stored.
 */
@ConsumerType
public interface DefinitionValidator {

    /** Service property: the factory PID whose configurations this validator checks. */
    String FACTORY_PID = "radmfa.factoryPid";

    /**
     * Checks one definition as it would be read from its file, and returns the properties to store: the same, or
     * with what must not be stored replaced (a clear-text password by its hashes). Checks that need the other
     * definitions (unique names, addresses, processing orders) are the caller's.
     *
     * @param properties the configuration properties, values as strings as in a file
     * @throws InvalidConfigurationException naming the key and the reason
     */
    Map<String, String> validate(Map<String, String> properties) throws InvalidConfigurationException;
}
