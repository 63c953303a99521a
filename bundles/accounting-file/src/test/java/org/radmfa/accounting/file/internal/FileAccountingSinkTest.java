package org.radmfa.accounting.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAccountingSinkTest {

    private static FileAccountingSink sink(Map<String, Object> config) {
        FileAccountingSink sink = new FileAccountingSink(new TestClock("2026-11-25T12:00:00Z"),
                RotatingLogFile.DiskSpace.FILE_STORE);
        sink.configure(config);
        return sink;
    }

    @Test
    void everyStoredRecordIsOneLineOnDiskWhenItsStageCompletes(@TempDir Path directory) throws Exception {
        FileAccountingSink sink = sink(Records.config("directory", directory.toString()));
        assertEquals("file", sink.name(), "the old singleton configuration keeps its name");
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            stages.add(sink.store(Records.start(i)).toCompletableFuture());
        }
        CompletableFuture.allOf(stages.toArray(new CompletableFuture[0])).join();
        assertEquals(List.of("accounting-2026-11-25.jsonl"), Records.names(directory));
        List<String> lines = Records.allLines(directory);
        assertEquals(2000, lines.size());
        assertTrue(lines.get(7).startsWith("{\"id\":\"ac-7\","), lines.get(7));
        sink.deactivate();
    }

    @Test
    void aFactoryConfigurationIsNamedAfterItsFileAndWritesItsFormat(@TempDir Path directory) throws Exception {
        FileAccountingSink sink = sink(Records.config("felix.fileinstall.filename",
                "file:/opt/radmfa/etc/org.radmfa.accounting.file-dts.cfg", "format", "dts", "directory",
                directory.toString(), "computerName", "RADMFA1"));
        assertEquals("file:dts", sink.name());
        sink.store(Records.start(1)).toCompletableFuture().join();
        assertEquals(List.of("IN261125.log"), Records.names(directory));
        String event = Files.readString(directory.resolve("IN261125.log"));
        assertTrue(event.startsWith("<Event><Timestamp data_type=\"4\">11/25/2026 12:00:00.000</Timestamp>"
                + "<Computer-Name data_type=\"1\">RADMFA1</Computer-Name>"), event);
        sink.deactivate();
    }

    @Test
    void aRefusedConfigurationLeavesTheLastGoodOneWriting(@TempDir Path directory) throws Exception {
        FileAccountingSink sink = sink(Records.config("directory", directory.toString(), "format", "ias"));
        sink.configure(Records.config("directory", directory.resolve("other").toString(), "format", "xml"));
        sink.configure(Records.config("directory", directory.resolve("other").toString(), "onFailure", "ignore"));
        sink.configure(Records.config("directory", directory.resolve("other").toString(), "maxFiles", "-1"));
        sink.store(Records.start(1)).toCompletableFuture().join();
        assertEquals(List.of("IN261125.log"), Records.names(directory));
        sink.deactivate();
    }

    @Test
    void aSinkWithoutAGoodConfigurationRefusesAndSaysWhy(@TempDir Path directory) {
        FileAccountingSink sink = sink(Records.config("felix.fileinstall.filename",
                "/etc/org.radmfa.accounting.file-x.cfg", "directory", directory.toString(), "rotation", "hourly"));
        CompletionException refused = assertThrows(CompletionException.class,
                () -> sink.store(Records.start(1)).toCompletableFuture().join());
        assertTrue(refused.getCause().getMessage().contains(
                "etc/org.radmfa.accounting.file-x.cfg: key 'rotation'"), refused.getCause().getMessage());
        assertTrue(sink.failure().isPresent());
        sink.deactivate();
    }

    @Test
    void aStoppedSinkRefusesInsteadOfLosingSilently(@TempDir Path directory) {
        FileAccountingSink sink = sink(Records.config("directory", directory.toString()));
        sink.deactivate();
        CompletionException refused = assertThrows(CompletionException.class,
                () -> sink.store(Records.start(1)).toCompletableFuture().join());
        assertTrue(refused.getCause().getMessage().contains("stopped"), refused.getCause().getMessage());
    }

    @Test
    void aChangedConfigurationSwitchesFormatAndAnUnchangedOneKeepsTheWriter(@TempDir Path directory)
            throws Exception {
        Map<String, Object> json = Records.config("directory", directory.toString());
        FileAccountingSink sink = sink(json);
        RotatingLogFile first = sink.file();
        sink.configure(Records.config("directory", directory.toString()));
        assertTrue(first == sink.file(), "the same settings again keep the writer");
        sink.store(Records.start(1)).toCompletableFuture().join();
        sink.configure(Records.config("directory", directory.toString(), "format", "dts"));
        sink.store(Records.start(2)).toCompletableFuture().join();
        assertEquals(List.of("IN261125.log", "accounting-2026-11-25.jsonl"), Records.names(directory));
        assertTrue(Files.readString(directory.resolve("IN261125.log")).contains(">s-2</Acct-Session-Id>"));
        sink.deactivate();
    }

    @Test
    void factoryConfigurationsWithoutAFileNameStayApart(@TempDir Path directory) {
        FileAccountingSink named = sink(Records.config("service.factoryPid", FileAccountingSink.PID, "service.pid",
                FileAccountingSink.PID + "~nps", "directory", directory.toString()));
        FileAccountingSink generated = sink(Records.config("service.factoryPid", FileAccountingSink.PID,
                "service.pid", FileAccountingSink.PID + ".4f0c9a2e-1b", "directory", directory.toString()));
        assertEquals("file:nps", named.name());
        assertEquals("file:4f0c9a2e-1b", generated.name());
        named.deactivate();
        generated.deactivate();
    }
}
