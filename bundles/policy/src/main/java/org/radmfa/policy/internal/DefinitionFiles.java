package org.radmfa.policy.internal;

import java.util.Collection;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.osgi.service.cm.ManagedServiceFactory;
import org.radmfa.api.config.FactoryDefinitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one factory PID as ConfigurationAdmin hands them over: each one is read, accepted or refused by
 * {@link FactoryDefinitions}, and an accepted one installed in the engine; refusals and ignored keys are logged.
 */
final class DefinitionFiles<D> implements ManagedServiceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(DefinitionFiles.class);

    private final FactoryDefinitions<D> definitions;
    private final FactoryDefinitions.Install<D> install;
    private final Consumer<String> uninstall;

    DefinitionFiles(FactoryDefinitions<D> definitions, FactoryDefinitions.Install<D> install,
            Consumer<String> uninstall) {
        this.definitions = definitions;
        this.install = install;
        this.uninstall = uninstall;
    }

    @Override
    public String getName() {
        return "radmfa " + definitions.kind() + " files";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        Map<String, Object> map = new HashMap<>();
        for (String key : Collections.list(properties.keys())) {
            map.put(key, properties.get(key));
        }
        report(definitions.update(pid, map, install));
    }

    @Override
    public void deleted(String pid) {
        definitions.remove(pid);
        uninstall.accept(pid);
    }

    /** Reads these configurations again as they were last given. */
    void readAgain(Collection<String> pids) {
        definitions.readAgain(pids, install).forEach(DefinitionFiles::report);
    }

    void readAgain() {
        definitions.readAgain(install).forEach(DefinitionFiles::report);
    }

    FactoryDefinitions<D> definitions() {
        return definitions;
    }

    private static void report(FactoryDefinitions.Update<?> update) {
        update.refusal().ifPresent(refusal -> LOG.error(refusal.message()));
        update.warnings().forEach(LOG::warn);
    }
}
