package org.radmfa.config.support;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedServiceFactory;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.Refusal;
import org.slf4j.Logger;

/**
 * The files of one factory PID as ConfigurationAdmin hands them over, for the component that owns the definitions:
 * each one is read, accepted or refused by {@link FactoryDefinitions}, an accepted one is installed by the owner, a
 * refusal is logged with its file, key and reason (the last good definition keeps serving) and an ignored key is
 * warned about; a deleted file is removed from the owner too. A configuration whose sealed value only waits for the
 * secret vault is no mistake: it is logged at INFO, and read again when the vault comes ({@link VaultBinding}).
 *
 * <p>{@link #register} reads the configurations that exist already before it returns, so that the owner knows its
 * definitions as soon as it is activated (ConfigurationAdmin hands them over on its own thread, a moment later; the
 * same properties handed over again change nothing).
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

    /** The property in which FileInstall names the file a configuration came from. */
    static final String FILE_PROPERTY = "felix.fileinstall.filename";
    static final long REREAD_DELAY_MILLIS = 300;
    /** Refusals in a row after which a file is no longer given back: a file that is really wrong stays refused. */
    static final int MAX_REREADS = 2;

    private final String name;
    private final FactoryDefinitions<D> definitions;
    private final FactoryDefinitions.Install<D> install;
    private final Consumer<String> remove;
    private final Logger log;
    private volatile Preparation preparation = (pid, properties) -> properties;
    private ServiceRegistration<ManagedServiceFactory> registration;
    /**
     * The properties each PID was last given as they came, before the preparation. Guarded by {@link #definitions}
     * (whose own methods are synchronized on it), as everything that reads a configuration is.
     */
    private final Map<String, Map<String, Object>> lastGiven = new HashMap<>();
    /** The PIDs ConfigurationAdmin has handed over or deleted since the registration; guarded by definitions. */
    private final Set<String> delivered = new HashSet<>();
    /** How often each refused file was given back to FileInstall since it was last accepted; guarded by definitions. */
    private final Map<String, Integer> rereads = new HashMap<>();
    /** Where a refused file is given back to FileInstall: a moment later, once its writer is done. */
    private Executor rereadLater = CompletableFuture.delayedExecutor(REREAD_DELAY_MILLIS, TimeUnit.MILLISECONDS);

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

    /** For tests: where refused files are given back to FileInstall (see {@link #giveBackToFileInstall}). */
    FactoryConfigurations<D> rereadBy(Executor executor) {
        this.rereadLater = executor;
        return this;
    }

    /** Sets what is done to the properties before each is read; call before {@link #register}. */
    public FactoryConfigurations<D> preparedBy(Preparation preparation) {
        this.preparation = preparation;
        return this;
    }

    /**
     * Registers this factory for the files of {@code factoryPid}, and reads those that exist already, through the
     * ConfigurationAdmin service, before it returns; ConfigurationAdmin then hands over every change.
     */
    public void register(BundleContext context, String factoryPid) {
        ServiceRegistration<ManagedServiceFactory> registered;
        synchronized (this) {
            synchronized (definitions) {
                delivered.clear();
            }
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(Constants.SERVICE_PID, factoryPid);
            registered = context.registerService(ManagedServiceFactory.class, this, properties);
            registration = registered;
        }
        ServiceReference<ConfigurationAdmin> admin = context.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin configurationAdmin = admin == null ? null : context.getService(admin);
        if (configurationAdmin == null) {
            return;
        }
        try {
            readExisting(configurationAdmin, factoryPid, registered.getReference());
        } finally {
            context.ungetService(admin);
        }
    }

    /**
     * Reads the configurations of {@code factoryPid} that exist now, as ConfigurationAdmin would hand them to this
     * factory (its plugins applied, e.g. {@code $[env:...]}), except those it has handed over already: registered
     * first, this factory misses no change, and one it was handed is at least as new as what is read here.
     */
    void readExisting(ConfigurationAdmin admin, String factoryPid, ServiceReference<ManagedServiceFactory> self) {
        Configuration[] existing;
        try {
            existing = admin.listConfigurations("(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + factoryPid + ")");
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            log.debug("Cannot list the configurations of {} ({}); they come from ConfigurationAdmin", factoryPid,
                    e.toString());
            return;
        }
        if (existing == null) {
            return;
        }
        for (Configuration configuration : existing) {
            String pid = configuration.getPid();
            Dictionary<String, Object> properties;
            try {
                properties = configuration.getProcessedProperties(self);
            } catch (RuntimeException e) { // deleted meanwhile (IllegalStateException): handed over as deleted
                continue;
            }
            if (properties == null) {
                continue;
            }
            synchronized (definitions) {
                if (!delivered.contains(pid)) {
                    read(pid, properties);
                }
            }
        }
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
        synchronized (definitions) {
            delivered.add(pid);
            read(pid, properties);
        }
    }

    @Override
    public void deleted(String pid) {
        synchronized (definitions) {
            delivered.add(pid);
            lastGiven.remove(pid);
            rereads.remove(pid);
            definitions.remove(pid);
            remove.accept(pid);
        }
    }

    /** Reads one configuration, unless its serving definition was read from the very same properties. */
    private void read(String pid, Dictionary<String, ?> properties) {
        Map<String, Object> map = new HashMap<>();
        for (String key : Collections.list(properties.keys())) {
            map.put(key, properties.get(key));
        }
        if (servesAsGiven(pid, map)) {
            return;
        }
        lastGiven.put(pid, map);
        FactoryDefinitions.Update<D> update = definitions.update(pid, preparation.prepare(pid, new HashMap<>(map)),
                install);
        report(update);
        if (update.refusal().isEmpty() || update.refusal().get().waitsForVault()) {
            rereads.remove(pid);
        } else {
            giveBackToFileInstall(pid, map);
        }
    }

    /**
     * FileInstall (3.7.4) writes a configuration changed through ConfigurationAdmin back to its file in place,
     * truncating it first, and its own poller may read the file at that moment: it then hands ConfigurationAdmin the
     * part it saw. That is refused here (the last good definition keeps serving), but ConfigurationAdmin keeps it while
     * the file on disk is whole (NpsImportIT saw it once). So, a moment after a file-backed configuration is refused,
     * its file's modification time moves: FileInstall reads it again and changes ConfigurationAdmin only if the file
     * differs. The file's content is never touched. A file that is really wrong is read again to the same refusal, at
     * most {@link #MAX_REREADS} times in a row.
     */
    private void giveBackToFileInstall(String pid, Map<String, Object> properties) {
        if (!(properties.get(FILE_PROPERTY) instanceof String uri) || !uri.startsWith("file:")) {
            return;
        }
        int times = rereads.merge(pid, 1, Integer::sum);
        if (times > MAX_REREADS) {
            return;
        }
        Path file;
        try {
            file = Path.of(URI.create(uri));
        } catch (IllegalArgumentException e) {
            return;
        }
        rereadLater.execute(() -> {
            try {
                if (Files.isRegularFile(file)) {
                    Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
                }
            } catch (IOException e) {
                log.debug("Cannot give {} back to FileInstall: {}", file, e.toString());
            }
        });
    }

    private boolean servesAsGiven(String pid, Map<String, Object> properties) {
        Map<String, Object> before = lastGiven.get(pid);
        if (before == null || before.size() != properties.size() || !definitions.definitions().containsKey(pid)
                || definitions.refusals().stream().anyMatch(refusal -> refusal.pid().equals(pid))) {
            return false;
        }
        return before.entrySet().stream().allMatch(entry -> properties.containsKey(entry.getKey())
                && Objects.deepEquals(entry.getValue(), properties.get(entry.getKey())));
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
        synchronized (definitions) {
            lastGiven.clear();
            rereads.clear();
            definitions.clear();
        }
    }

    /** The configurations refused right now. */
    public List<Refusal> refusals() {
        return definitions.refusals();
    }

    /** Whether a configuration is refused right now only because its sealed value waits for the secret vault. */
    public boolean waitsForVault() {
        return definitions.refusals().stream().anyMatch(Refusal::waitsForVault);
    }

    public FactoryDefinitions<D> definitions() {
        return definitions;
    }

    private void report(FactoryDefinitions.Update<D> update) {
        update.refusal().ifPresent(refusal -> {
            if (refusal.waitsForVault()) {
                log.info(refusal.message());
            } else {
                log.error(refusal.message());
            }
        });
        update.warnings().forEach(log::warn);
    }
}
