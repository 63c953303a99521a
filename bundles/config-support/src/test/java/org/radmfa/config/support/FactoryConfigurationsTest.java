package org.radmfa.config.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.FactoryDefinitions;

class FactoryConfigurationsTest {
    /** A kind of definition for the test: a port, 1 to 65535. */
    @interface Door {
        int port() default 1812;
    }

    private final Map<String, Integer> installed = new LinkedHashMap<>();
    private final List<String> removed = new ArrayList<>();
    private final RecordingLog log = new RecordingLog();
    private final FactoryConfigurations<Integer> doors = new FactoryConfigurations<>("radmfa doors",
            new FactoryDefinitions<>("door", ConfigType.of(Door.class), config -> {
                if (config.string("port", "").startsWith("{aes-gcm}")) {
                    throw config.waitsForVault("port");
                }
                return config.integer("port", 1, 65535);
            }), (pid, port, config) -> installed.put(pid, port), removed::add, log.logger);

    private static Hashtable<String, Object> file(String name, Object port) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.door-" + name + ".cfg");
        properties.put("service.pid", "org.radmfa.door~" + name);
        properties.put("port", port);
        return properties;
    }

    @Test
    void anAcceptedFileIsInstalledInTheOwner() {
        doors.updated("org.radmfa.door~a", file("a", "1645"));
        assertEquals(Map.of("org.radmfa.door~a", 1645), installed);
        assertEquals(List.of(), log.lines);
        assertEquals("radmfa doors", doors.getName());
    }

    /**
     * FileInstall can hand over a file it caught while writing it back (truncated): the refusal gives the file back
     * to it by moving its modification time, never its content, so that it reads the whole file again; a file that
     * is really wrong is given back at most twice in a row, and an accepted one is never touched.
     */
    @Test
    void aRefusedFileIsGivenBackToFileInstallAFewTimesWithoutTouchingItsContent(@TempDir Path etc) throws Exception {
        Path cfg = etc.resolve("org.radmfa.door-a.cfg");
        Files.writeString(cfg, "port = 1645\n");
        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(cfg, old);
        doors.rereadBy(Runnable::run);
        Hashtable<String, Object> whole = file("a", "1645");
        whole.put("felix.fileinstall.filename", cfg.toUri().toString());
        doors.updated("org.radmfa.door~a", whole);
        assertEquals(old, Files.getLastModifiedTime(cfg), "an accepted file is not touched");

        Hashtable<String, Object> torn = file("a", "");
        torn.put("felix.fileinstall.filename", cfg.toUri().toString());
        List<String> refusedPorts = List.of("0", "70000", "99999"); // each a different refused copy
        for (int refusal = 1; refusal <= refusedPorts.size(); refusal++) {
            Files.setLastModifiedTime(cfg, old);
            torn.put("port", refusedPorts.get(refusal - 1));
            doors.updated("org.radmfa.door~a", torn);
            assertEquals(refusal <= FactoryConfigurations.MAX_REREADS, !old.equals(Files.getLastModifiedTime(cfg)),
                    "refusal " + refusal);
        }
        assertEquals("port = 1645\n", Files.readString(cfg), "the content is never written");
        assertEquals(Map.of("org.radmfa.door~a", 1645), installed, "the last good one keeps serving");

        doors.updated("org.radmfa.door~a", whole);
        Files.setLastModifiedTime(cfg, old);
        doors.updated("org.radmfa.door~a", torn);
        assertFalse(old.equals(Files.getLastModifiedTime(cfg)), "an acceptance starts the count again");
    }

    @Test
    void aBadFileIsRefusedWithFileKeyAndReasonAndTheLastGoodOneKeepsServing() {
        doors.updated("org.radmfa.door~a", file("a", "1645"));
        doors.updated("org.radmfa.door~a", file("a", "99999"));
        assertEquals(Map.of("org.radmfa.door~a", 1645), installed, "the last good one stays installed");
        assertEquals(Map.of("org.radmfa.door~a", 1645), doors.definitions().definitions());
        assertEquals(1, log.lines.size(), log.lines.toString());
        String line = log.lines.get(0);
        assertTrue(line.startsWith("ERROR Refused door configuration etc/org.radmfa.door-a.cfg: key 'port': "), line);
        assertTrue(line.endsWith("its last good definition keeps serving"), line);
        assertEquals(1, doors.refusals().size());
        assertEquals("port", doors.refusals().get(0).key());
    }

    @Test
    void anUnknownKeyIsWarnedAbout() {
        Hashtable<String, Object> properties = file("a", "1645");
        properties.put("prot", "1");
        doors.updated("org.radmfa.door~a", properties);
        assertEquals(List.of("WARN etc/org.radmfa.door-a.cfg: key 'prot' is not a door setting and is ignored"),
                log.lines);
    }

    @Test
    void aDeletedFileIsRemovedFromTheOwner() {
        doors.updated("org.radmfa.door~a", file("a", "1645"));
        doors.deleted("org.radmfa.door~a");
        assertEquals(List.of("org.radmfa.door~a"), removed);
        assertEquals(Map.of(), doors.definitions().definitions());
    }

    @Test
    void readAgainInstallsEveryFileAgainAndReportsAgain() {
        doors.updated("org.radmfa.door~a", file("a", "1645"));
        doors.updated("org.radmfa.door~b", file("b", "0"));
        installed.clear();
        doors.readAgain();
        assertEquals(Map.of("org.radmfa.door~a", 1645), installed);
        assertEquals(2, log.lines.stream().filter(line -> line.contains("door-b.cfg")).count(), log.lines.toString());
    }

    @Test
    void thePreparationSeesThePropertiesBeforeTheyAreRead() {
        doors.preparedBy((pid, properties) -> {
            properties.put("port", "2083");
            return properties;
        });
        doors.updated("org.radmfa.door~a", file("a", "1645"));
        assertEquals(Map.of("org.radmfa.door~a", 2083), installed);
    }

    @Test
    void aSealedValueThatWaitsForTheVaultIsNoRefusalAtError() {
        doors.updated("org.radmfa.door~a", file("a", "{aes-gcm}c2VhbGVk"));
        assertEquals(List.of("INFO door configuration etc/org.radmfa.door-a.cfg waits for the secret vault: key"
                + " 'port' is sealed; it serves once a vault has opened it"), log.lines);
        assertTrue(doors.waitsForVault());
        doors.updated("org.radmfa.door~b", file("b", "0"));
        assertTrue(log.lines.get(1).startsWith("ERROR Refused door configuration etc/org.radmfa.door-b.cfg"),
                log.lines.toString());
        doors.deleted("org.radmfa.door~a");
        assertFalse(doors.waitsForVault(), "only the mistake is left");
    }

    @Test
    void theSamePropertiesHandedOverAgainChangeNothing() {
        doors.updated("org.radmfa.door~a", file("a", "1645"));
        installed.clear();
        doors.updated("org.radmfa.door~a", file("a", "1645"));
        assertEquals(Map.of(), installed, "not read again");
        doors.updated("org.radmfa.door~a", file("a", "1646"));
        assertEquals(Map.of("org.radmfa.door~a", 1646), installed, "a change is read");

        doors.updated("org.radmfa.door~b", file("b", "0"));
        doors.updated("org.radmfa.door~b", file("b", "0"));
        assertEquals(2, log.lines.size(), "a refused one is read again (what it depends on may have come): "
                + log.lines);
    }

    @Test
    void theConfigurationsThatExistAreReadAtRegistrationExceptThoseHandedOverMeanwhile() {
        doors.updated("org.radmfa.door~b", file("b", "1700"));
        List<String> asked = new ArrayList<>();
        ConfigurationAdmin admin = proxy(ConfigurationAdmin.class, (method, args) -> {
            assertEquals("listConfigurations", method);
            asked.add((String) args[0]);
            return new Configuration[] {configuration("org.radmfa.door~a", file("a", "1645")),
                configuration("org.radmfa.door~b", file("b", "1")),
                configuration("org.radmfa.door~gone", null)};
        });
        doors.readExisting(admin, "org.radmfa.door", null);
        assertEquals(List.of("(service.factoryPid=org.radmfa.door)"), asked);
        assertEquals(Map.of("org.radmfa.door~b", 1700, "org.radmfa.door~a", 1645), installed,
                "b as ConfigurationAdmin handed it over, not as listed; the deleted one skipped");
        assertEquals(List.of(), log.lines);

        installed.clear();
        doors.updated("org.radmfa.door~a", file("a", "1645"));
        assertEquals(Map.of(), installed, "ConfigurationAdmin handing the same over changes nothing");
    }

    private static Configuration configuration(String pid, Dictionary<String, Object> properties) {
        return proxy(Configuration.class, (method, args) -> switch (method) {
            case "getPid" -> pid;
            case "getProcessedProperties" -> {
                if (properties == null) {
                    throw new IllegalStateException("deleted");
                }
                yield properties;
            }
            default -> throw new UnsupportedOperationException(method);
        });
    }

    interface Answer {
        Object answer(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> answer.answer(method.getName(), args)));
    }
}
