package org.radmfa.config.support.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

class ConfigFileWriteBackTest {
    private static final String PID = "org.radmfa.client~gw";
    private static final String FILE_TEXT = "# the gateway\nname = gw\nsecret = clear\n";

    @TempDir
    Path etc;

    /** What the configuration was updated with, in order. */
    private final List<Dictionary<String, Object>> updates = new ArrayList<>();

    /** One file-backed configuration in memory, holding {@code secret}. */
    private ConfigurationAdmin configurationAdmin(Path file, String secret) {
        Hashtable<String, Object> properties = new Hashtable<>(Map.of("service.pid", PID,
                "service.factoryPid", "org.radmfa.client", "name", "gw", "secret", secret,
                ConfigFileWriteBack.FILE_PROPERTY, file.toUri().toString()));
        Configuration configuration = (Configuration) Proxy.newProxyInstance(Configuration.class.getClassLoader(),
                new Class<?>[] {Configuration.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperties")) {
                        return new Hashtable<>(properties);
                    }
                    if (method.getName().equals("update")) {
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> updated = (Dictionary<String, Object>) args[0];
                        updates.add(updated);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (ConfigurationAdmin) Proxy.newProxyInstance(ConfigurationAdmin.class.getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                    if (method.getName().equals("listConfigurations")
                            && ("(service.pid=" + PID + ")").equals(args[0])) {
                        return new Configuration[] {configuration};
                    }
                    throw new UnsupportedOperationException(method.getName() + " " + args[0]);
                });
    }

    private static ConfigurationEvent updated() {
        @SuppressWarnings("unchecked")
        ServiceReference<ConfigurationAdmin> reference = (ServiceReference<ConfigurationAdmin>) Proxy.newProxyInstance(
                ServiceReference.class.getClassLoader(), new Class<?>[] {ServiceReference.class},
                (proxy, method, args) -> null);
        return new ConfigurationEvent(reference, ConfigurationEvent.CM_UPDATED, "org.radmfa.client", PID);
    }

    private Path file() throws IOException {
        return Files.writeString(etc.resolve("org.radmfa.client-gw.cfg"), FILE_TEXT);
    }

    /** Delivers the event in a thread of that name, as ConfigurationAdmin does in the thread that made the change. */
    private static void deliverIn(String threadName, ConfigFileWriteBack writeBack) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> writeBack.configurationEvent(updated()), threadName);
        thread.setUncaughtExceptionHandler((t, e) -> failure.set(e));
        thread.start();
        thread.join();
        assertEquals(null, failure.get());
    }

    @Test
    void aChangeMadeThroughConfigurationAdminReachesTheFileWithItsComments() throws Exception {
        Path file = file();
        ConfigFileWriteBack writeBack = new ConfigFileWriteBack(configurationAdmin(file, "{aes-gcm}sealed"), true,
                name -> null);

        deliverIn("qtp-42 (web console)", writeBack);

        assertEquals("# the gateway\nname = gw\nsecret = {aes-gcm}sealed\n", Files.readString(file));
    }

    @Test
    void aChangeFileInstallMadeFromTheFileIsNeverWrittenBack() throws Exception {
        Path file = file();
        ConfigFileWriteBack writeBack = new ConfigFileWriteBack(configurationAdmin(file, "clear"), true,
                name -> null);

        deliverIn(ConfigFileWriteBack.FILE_INSTALL_THREAD_PREFIX + etc, writeBack);

        assertEquals(FILE_TEXT, Files.readString(file));
        assertEquals(List.of(), updates, "the file says what FileInstall applied: nothing to do");
    }

    @Test
    void anOlderReadFileInstallAppliedIsReplacedByTheFileAsItIsNow() throws Exception {
        // FileInstall read the file before the admin services wrote "clear" to it and applied that older read
        // ("older") after they had updated ConfigurationAdmin: the file is newer and must win, at once.
        Path file = file();
        ConfigFileWriteBack writeBack = new ConfigFileWriteBack(configurationAdmin(file, "older"), true,
                name -> null);

        deliverIn(ConfigFileWriteBack.FILE_INSTALL_THREAD_PREFIX + etc, writeBack);

        assertEquals(FILE_TEXT, Files.readString(file), "the older configuration is never written to the file");
        assertEquals(1, updates.size());
        assertEquals("clear", updates.get(0).get("secret"));
        assertEquals("gw", updates.get(0).get("name"));
        assertEquals(file.toUri().toString(), updates.get(0).get(ConfigFileWriteBack.FILE_PROPERTY));
    }

    @Test
    void aFileFoundEmptyWhileAnEditorRewritesItIsLeftToFileInstall() throws Exception {
        Path file = Files.writeString(etc.resolve("org.radmfa.client-gw.cfg"), "");
        ConfigFileWriteBack writeBack = new ConfigFileWriteBack(configurationAdmin(file, "clear"), true,
                name -> null);

        deliverIn(ConfigFileWriteBack.FILE_INSTALL_THREAD_PREFIX + etc, writeBack);

        assertEquals(List.of(), updates, "an empty read is not applied over the configuration");
    }

    @Test
    void nothingIsWrittenWhereFileInstallWritesBackItself() throws Exception {
        Path file = file();
        ConfigFileWriteBack writeBack = new ConfigFileWriteBack(configurationAdmin(file, "{aes-gcm}sealed"), false,
                name -> null);

        deliverIn("qtp-42", writeBack);

        assertEquals(FILE_TEXT, Files.readString(file));
    }

    @Test
    void onlyTheCfgFormatIsWritten() throws Exception {
        Path file = Files.writeString(etc.resolve("org.radmfa.client-gw.config"), "name=\"gw\"\n");
        ConfigFileWriteBack writeBack = new ConfigFileWriteBack(configurationAdmin(file, "{aes-gcm}sealed"), true,
                name -> null);

        deliverIn("qtp-42", writeBack);

        assertEquals("name=\"gw\"\n", Files.readString(file));
    }

    @Test
    void fileInstallsSwitchIsReadAsFileInstallReadsIt() {
        assertTrue(ConfigFileWriteBack.fileInstallWritesBack(context(Map.of())));
        assertTrue(ConfigFileWriteBack.fileInstallWritesBack(context(Map.of("felix.fileinstall.enableConfigSave",
                "true"))));
        assertFalse(ConfigFileWriteBack.fileInstallWritesBack(context(Map.of("felix.fileinstall.enableConfigSave",
                "false"))));
        assertFalse(ConfigFileWriteBack.fileInstallWritesBack(context(Map.of("felix.fileinstall.disableConfigSave",
                "false"))));
    }

    private static BundleContext context(Map<String, String> properties) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperty")) {
                        return properties.get((String) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
