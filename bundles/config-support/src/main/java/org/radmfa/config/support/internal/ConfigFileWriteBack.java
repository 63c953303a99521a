package org.radmfa.config.support.internal;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.felix.utils.properties.InterpolationHelper.BundleContextSubstitutionCallback;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.SynchronousConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.radmfa.config.support.ConfigFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a configuration changed through ConfigurationAdmin (the admin services, the vault sealing a secret, a cluster
 * peer) back to the etc/ file it came from, in place of FileInstall's own write-back, which the appliance turns off
 * ({@code felix.fileinstall.enableConfigSave=false}).
 *
 * <p>FileInstall (3.7.4) writes back later, on ConfigurationAdmin's event thread, truncating the file and writing it in
 * place; its poller, which reads etc/ every second, could read the file in between and apply an older content over a
 * newer change, and the write-back then made the older content permanent: an edit lost. Here the file is written
 * whole and moved into place, in the thread that made the change before its {@code update} returns, and never for a
 * change FileInstall made from the file itself: that file is as new as the change or newer, so nothing older is ever
 * written over it. Where FileInstall applied a read the file has since moved on from, the file is applied again.
 *
 * <p>Does nothing where FileInstall's own write-back is on (a stock Karaf): two writers would race each other.
 */
@Component(service = SynchronousConfigurationListener.class)
public final class ConfigFileWriteBack implements SynchronousConfigurationListener {
    static final String FILE_PROPERTY = "felix.fileinstall.filename";
    /** FileInstall's directory watchers are threads named "fileinstall-" and the directory. */
    static final String FILE_INSTALL_THREAD_PREFIX = "fileinstall-";
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileWriteBack.class);

    private final ConfigurationAdmin configurationAdmin;
    private final boolean enabled;
    private final UnaryOperator<String> variables;
    /** Set while this listener's own correction is delivered back to it, in FileInstall's thread. */
    private final ThreadLocal<Boolean> catchingUp = new ThreadLocal<>();

    @Activate
    public ConfigFileWriteBack(@Reference ConfigurationAdmin configurationAdmin, BundleContext context) {
        this(configurationAdmin, !fileInstallWritesBack(context),
                new BundleContextSubstitutionCallback(context)::getValue);
        if (enabled) {
            LOG.info("FileInstall's write-back is off: configurations changed through ConfigurationAdmin are written"
                    + " back to their etc/ files here");
        }
    }

    ConfigFileWriteBack(ConfigurationAdmin configurationAdmin, boolean enabled, UnaryOperator<String> variables) {
        this.configurationAdmin = configurationAdmin;
        this.enabled = enabled;
        this.variables = variables;
    }

    /** FileInstall's own reading of its switch: {@code enableConfigSave}, else {@code disableConfigSave}, else on. */
    static boolean fileInstallWritesBack(BundleContext context) {
        String value = context.getProperty("felix.fileinstall.enableConfigSave");
        if (value == null) {
            value = context.getProperty("felix.fileinstall.disableConfigSave");
        }
        return value == null || Boolean.parseBoolean(value);
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (!enabled || event.getType() != ConfigurationEvent.CM_UPDATED || catchingUp.get() != null) {
            return;
        }
        boolean fromFileInstall = Thread.currentThread().getName().startsWith(FILE_INSTALL_THREAD_PREFIX);
        try {
            if (fromFileInstall) {
                catchingUp.set(Boolean.TRUE);
                catchUpWithFile(event.getPid());
            } else {
                writeBack(event.getPid());
            }
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            // The change stands in ConfigurationAdmin; only its file lags (until the next change or a restart).
            LOG.error("Cannot {} configuration {}: {}", fromFileInstall ? "check" : "write back", event.getPid(),
                    e.toString());
        } finally {
            catchingUp.remove();
        }
    }

    /** Serialised, so that of two changes in a row the file ends with the later one. */
    synchronized void writeBack(String pid) throws IOException, InvalidSyntaxException {
        FileBacked found = fileBacked(pid);
        if (found != null && ConfigFiles.write(found.file(), found.properties(), variables)) {
            LOG.debug("Configuration {} written back to {}", pid, found.file());
        }
    }

    /**
     * FileInstall reads a changed file and then compares it with ConfigurationAdmin. A change that lands in between
     * (the admin services write the file first, then ConfigurationAdmin) makes it apply its older read over the newer
     * change. The file has moved on since that read: it is applied again at once, rather than at FileInstall's next
     * poll, so that the next read-modify-write of the admin services does not start from the older one.
     */
    synchronized void catchUpWithFile(String pid) throws IOException, InvalidSyntaxException {
        FileBacked found = fileBacked(pid);
        if (found == null) {
            return;
        }
        Map<String, Object> content = ConfigFiles.read(found.file(), variables);
        // Empty: being rewritten in place right now (an editor); FileInstall reads it again once it is written.
        if (!content.isEmpty() && !ConfigFiles.holds(content, found.properties())) {
            Hashtable<String, Object> current = new Hashtable<>(content);
            current.put(FILE_PROPERTY, found.properties().get(FILE_PROPERTY));
            found.configuration().update(current);
            LOG.debug("FileInstall applied an older read of {}; its current content applied again", found.file());
        }
    }

    /** A configuration in ConfigurationAdmin with its etc/ file, in the .cfg format. */
    private record FileBacked(Configuration configuration, Map<String, Object> properties, File file) {
    }

    private FileBacked fileBacked(String pid) throws IOException, InvalidSyntaxException {
        Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + escaped(pid) + ")");
        Dictionary<String, Object> properties = found == null || found.length == 0 ? null : found[0].getProperties();
        File file = properties == null ? null : fileOf(properties.get(FILE_PROPERTY));
        // Only the .cfg format: a .config or .json file keeps what it says (etc/ has neither in the appliance).
        if (file == null || !file.isFile() || !file.getName().endsWith(".cfg")) {
            return null;
        }
        Map<String, Object> map = new HashMap<>();
        for (String key : Collections.list(properties.keys())) {
            map.put(key, properties.get(key));
        }
        return new FileBacked(found[0], map, file);
    }

    /** FileInstall's key: a {@code file:} URI, or a plain path in older files. */
    private static File fileOf(Object key) {
        if (!(key instanceof String name) || name.isEmpty()) {
            return null;
        }
        try {
            return name.startsWith("file:") ? new File(URI.create(name)) : new File(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String escaped(String value) {
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("*", "\\*");
    }
}
