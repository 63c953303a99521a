package org.radmfa.config.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.felix.utils.properties.TypedProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {
    private static final String FILE_TEXT = """
            # The gateway's RADIUS client
            name = gw
            # keep this comment
            address = 10.1.255.0/27
            home = ${radmfa.test.home}/certs
            """;

    @TempDir
    Path etc;

    private File file(String text) throws IOException {
        Path file = etc.resolve("org.radmfa.client-gw.cfg");
        Files.writeString(file, text);
        return file.toFile();
    }

    private static Map<String, Object> asRead() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("service.pid", "org.radmfa.client~gw");
        properties.put("service.factoryPid", "org.radmfa.client");
        properties.put("felix.fileinstall.filename", "file:/etc/org.radmfa.client-gw.cfg");
        properties.put("name", "gw");
        properties.put("address", "10.1.255.0/27");
        properties.put("home", "/opt/radmfa/certs");
        return properties;
    }

    private static String variable(String name) {
        return "radmfa.test.home".equals(name) ? "/opt/radmfa" : null;
    }

    @Test
    void aChangedValueIsWrittenAndTheCommentsPlaceholdersAndOrderStay() throws IOException {
        File file = file(FILE_TEXT);
        Map<String, Object> changed = asRead();
        changed.put("address", "10.1.255.32/27");
        changed.put("messageAuthenticator", "required");

        assertTrue(ConfigFiles.write(file, changed, ConfigFilesTest::variable));

        assertEquals("""
                # The gateway's RADIUS client
                name = gw
                # keep this comment
                address = 10.1.255.32/27
                home = ${radmfa.test.home}/certs
                messageAuthenticator = required
                """, Files.readString(file.toPath()));
    }

    /** An admin service and the write-back of the configuration it changed may write one file at the same time. */
    @Test
    void twoWritersOfOneFileEachWriteItWhole() throws Exception {
        File file = file(FILE_TEXT);
        java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int writer = 0; writer < 2; writer++) {
                done.add(writers.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        Map<String, Object> changed = asRead();
                        changed.put("address", "10.1.255." + (i % 2 == 0 ? 32 : 64) + "/27");
                        ConfigFiles.write(file, changed, ConfigFilesTest::variable);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> writer : done) {
                writer.get(); // a writer that lost its temporary file throws here
            }
        } finally {
            writers.shutdownNow();
        }
        assertTrue(Files.readString(file.toPath()).startsWith("# The gateway's RADIUS client\nname = gw\n"));
        try (var left = Files.list(etc)) {
            assertEquals(java.util.List.of(file.toPath()), left.toList(), "no temporary file left behind");
        }
    }

    @Test
    void whatTheFileAlreadySaysIsNotWritten() throws IOException {
        File file = file(FILE_TEXT);
        FileTime before = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
        Files.setLastModifiedTime(file.toPath(), before);

        assertFalse(ConfigFiles.write(file, asRead(), ConfigFilesTest::variable));

        assertEquals(before, Files.getLastModifiedTime(file.toPath()));
        assertEquals(FILE_TEXT, Files.readString(file.toPath()));
    }

    @Test
    void aKeyTheConfigurationNoLongerHasIsRemovedWithItsComment() throws IOException {
        File file = file(FILE_TEXT);
        Map<String, Object> properties = asRead();
        properties.remove("address");

        assertTrue(ConfigFiles.write(file, properties, ConfigFilesTest::variable));

        assertEquals("""
                # The gateway's RADIUS client
                name = gw
                home = ${radmfa.test.home}/certs
                """, Files.readString(file.toPath()));
    }

    @Test
    void typedValuesAreWrittenAsFileInstallReadsThem() throws IOException {
        File file = file("name = gw\n");
        Map<String, Object> properties = new LinkedHashMap<>(Map.of("name", "gw", "timeout", 30,
                "enabled", Boolean.TRUE, "servers", new String[] {"a", "b"}));

        assertTrue(ConfigFiles.write(file, properties, null));

        String text = Files.readString(file.toPath());
        assertTrue(text.contains("timeout = I\"30\""), text);
        assertTrue(text.contains("enabled = B\"true\""), text);
        TypedProperties read = new TypedProperties();
        read.load(file);
        assertArrayEquals(new String[] {"a", "b"}, (String[]) read.get("servers"));
        // Read again, the same values: nothing to write.
        assertFalse(ConfigFiles.write(file, properties, null));
    }

    @Test
    void aNewFileIsCreatedAndNoTemporaryFileIsLeft() throws IOException {
        File file = etc.resolve("org.radmfa.client-new.cfg").toFile();

        assertTrue(ConfigFiles.write(file, Map.of("name", "new"), null));

        assertEquals("name = new\n", Files.readString(file.toPath()));
        try (var listing = Files.list(etc)) {
            assertEquals(1, listing.count(), "only the file itself in etc/");
        }
    }

    @Test
    void aFileFoundEmptyWhileAnotherWriterRewritesItIsReadAgain() throws Exception {
        File file = file(FILE_TEXT);
        Files.writeString(file.toPath(), "");
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(100);
                Files.writeString(file.toPath(), FILE_TEXT);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        Map<String, Object> changed = asRead();
        changed.put("address", "10.1.255.32/27");

        ConfigFiles.write(file, changed, ConfigFilesTest::variable);
        writer.join();

        assertTrue(Files.readString(file.toPath()).contains("# keep this comment"));
    }
}
