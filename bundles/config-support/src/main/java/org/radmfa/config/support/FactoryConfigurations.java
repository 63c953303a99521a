package org.radmfa.config.support;

import java.util.Collection;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedServiceFactory;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.Refusal;
import org.slf4j.Logger;

/**
 * The files of one factory PID as ConfigurationAdmin hands them over, for the component that owns the definitions:
 * each one is read, accepted or refused by {@link FactoryDefinitions}, an accepted one is installed by the owner, a
 * refusal is logged with its file, key and reason (the last good definition keeps serving) and an ignored key is
 * warned about; a deleted file is removed from the owner too.
 *
 * <p>The owner registers it itself ({@link #register}) rather than as a component, so that only a
 * {@link ManagedServiceFactory}, an OSGi type, shows in the service registry.
 *
 * @param <D> the definition read from one configuration
 */
public final class FactoryConfigurations<D> implements ManagedServiceFactory {
    /** What the owner does to the properties before they are read, e.g. replace a clear password by its hash. */
    @FunctionalInterface
    public interface Preparation {
        Map<String, Object> prepare(String pid, Map<String, Object> properties);
    }

    private final String name;
    private final FactoryDefinitions<D> definitions;
    private final FactoryDefinitions.Install<D> install;
    private final Consumer<String> remove;
    private final Logger log;
    private volatile Preparation preparation = (pid, properties) -> properties;
    private ServiceRegistration<ManagedServiceFactory> registration;

    /**
     * @param name what ConfigurationAdmin shows for this factory, e.g. "radmfa RADIUS clients"
     * @param install puts an accepted definition into the owner; may refuse it
     * @param remove takes a deleted configuration's definition out of the owner
     * @param log the owner's logger, so that refusals appear under the owner's name
     */
    public FactoryConfigurations(String name, FactoryDefinitions<D> definitions, FactoryDefinitions.Install<D> install,
            Consumer<String> remove, Logger log) {
        this.name = name;
        this.definitions = definitions;
        this.install = install;
        this.remove = remove;
        this.log = log;
    }

    /** Sets what is done to the properties before each is read; call before {@link #register}. */
    public FactoryConfigurations<D> preparedBy(Preparation preparation) {
        this.preparation = preparation;
        return this;
    }

    /** Registers this factory for the files of {@code factoryPid}; ConfigurationAdmin then hands them over. */
    public synchronized void register(BundleContext context, String factoryPid) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_PID, factoryPid);
        registration = context.registerService(ManagedServiceFactory.class, this, properties);
    }

    /** Stops receiving the files; the definitions read so far stay until {@link #clear}. */
    public synchronized void unregister() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        Map<String, Object> map = new HashMap<>();
        for (String key : Collections.list(properties.keys())) {
            map.put(key, properties.get(key));
        }
        report(definitions.update(pid, preparation.prepare(pid, map), install));
    }

    @Override
    public void deleted(String pid) {
        definitions.remove(pid);
        remove.accept(pid);
    }

    /**
     * Reads every configuration again as it was last given, e.g. when the vault that opens sealed secrets came back.
     */
    public void readAgain() {
        definitions.readAgain(install).forEach(this::report);
    }

    /** Reads these configurations again as they were last given. */
    public void readAgain(Collection<String> pids) {
        definitions.readAgain(pids, install).forEach(this::report);
    }

    /** Forgets every definition (the owner stops); the owner empties its own structure. */
    public void clear() {
        definitions.clear();
    }

    /** The configurations refused right now. */
    public List<Refusal> refusals() {
        return definitions.refusals();
    }

    public FactoryDefinitions<D> definitions() {
        return definitions;
    }

    private void report(FactoryDefinitions.Update<D> update) {
        update.refusal().ifPresent(refusal -> log.error(refusal.message()));
        update.warnings().forEach(log::warn);
    }
}
