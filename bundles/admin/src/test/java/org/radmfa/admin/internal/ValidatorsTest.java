package org.radmfa.admin.internal;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.radmfa.api.admin.DefinitionValidator;

class ValidatorsTest {
    private final Validators validators = new Validators();

    @Test
    void eachFactoryPidHasTheValidatorLastBoundForItUntilThatOneGoes() {
        DefinitionValidator clients = properties -> properties;
        DefinitionValidator updatedClients = properties -> properties;
        DefinitionValidator users = properties -> properties;
        validators.bind(clients, Map.of(DefinitionValidator.FACTORY_PID, "org.radmfa.client"));
        validators.bind(users, Map.of(DefinitionValidator.FACTORY_PID, "org.radmfa.user"));
        validators.bind(properties -> properties, Map.of());
        assertSame(clients, validators.forFactoryPid("org.radmfa.client").orElseThrow());
        assertSame(users, validators.forFactoryPid("org.radmfa.user").orElseThrow());

        // A bundle update binds the new validator before the old one goes: the new one stays.
        validators.bind(updatedClients, Map.of(DefinitionValidator.FACTORY_PID, "org.radmfa.client"));
        validators.unbind(clients, Map.of(DefinitionValidator.FACTORY_PID, "org.radmfa.client"));
        assertSame(updatedClients, validators.forFactoryPid("org.radmfa.client").orElseThrow());
        validators.unbind(updatedClients, Map.of(DefinitionValidator.FACTORY_PID, "org.radmfa.client"));
        assertTrue(validators.forFactoryPid("org.radmfa.client").isEmpty());
    }
}
