package org.radmfa.admin.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.radmfa.api.admin.DefinitionValidator;

/**
 * The validators the owning bundles offer, by factory PID; they come and go with their bundles. A plain object of
 * each admin service, which binds the {@link DefinitionValidator} services it is given.
 */
final class Validators {
    private final Map<String, DefinitionValidator> byFactoryPid = new ConcurrentHashMap<>();

    void bind(DefinitionValidator validator, Map<String, Object> properties) {
        Object pid = properties.get(DefinitionValidator.FACTORY_PID);
        if (pid != null) {
            byFactoryPid.put(pid.toString(), validator);
        }
    }

    void unbind(DefinitionValidator validator, Map<String, Object> properties) {
        Object pid = properties.get(DefinitionValidator.FACTORY_PID);
        if (pid != null) {
            byFactoryPid.remove(pid.toString(), validator);
        }
    }

    Optional<DefinitionValidator> forFactoryPid(String factoryPid) {
        return Optional.ofNullable(byFactoryPid.get(factoryPid));
    }
}
