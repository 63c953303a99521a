package org.radmfa.admin.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.admin.DefinitionValidator;

/** The validators the owning bundles offer, by factory PID; they come and go with their bundles. */
@Component(service = Validators.class)
public final class Validators {
    private final Map<String, DefinitionValidator> byFactoryPid = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindValidator(DefinitionValidator validator, Map<String, Object> properties) {
        Object pid = properties.get(DefinitionValidator.FACTORY_PID);
        if (pid != null) {
            byFactoryPid.put(pid.toString(), validator);
        }
    }

    void unbindValidator(DefinitionValidator validator, Map<String, Object> properties) {
        Object pid = properties.get(DefinitionValidator.FACTORY_PID);
        if (pid != null) {
            byFactoryPid.remove(pid.toString(), validator);
        }
    }

    Optional<DefinitionValidator> forFactoryPid(String factoryPid) {
        return Optional.ofNullable(byFactoryPid.get(factoryPid));
    }
}
