package org.radmfa.accounting.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.testsupport.ManualClock;

class FileAccountingSinkTest {

    private static FileAccountingSink sink(Map<String, Object> config) {
        FileAccountingSink sink = new FileAccountingSink(new ManualClock("2026-11-25T12:00:00Z"),
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

    /**
     * A reconfiguration while the old writer is stuck on the disk: records meanwhile go to the new writer, which
     * starts once the old one has finished (two writers never append to one file). The health stays readable, and
     * what is refused, during the switch (the new queue is full) or after the stop, is counted.
     */
    @Test
    void aReconfigurationWhileTheOldWriterIsBlockedLosesNothingSilently(@TempDir Path directory) throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean block = new AtomicBoolean();
        RotatingLogFile.DiskSpace disk = d -> {
            if (block.compareAndSet(true, false)) {
                stuck.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Long.MAX_VALUE;
        };
        Path first = directory.resolve("first");
        Path second = directory.resolve("second");
        FileAccountingSink sink = new FileAccountingSink(new ManualClock("2026-11-25T12:00:00Z"), disk);
        sink.configure(Records.config("directory", first.toString(), "minFreeMegabytes", "1"));
        sink.store(Records.start(0)).toCompletableFuture().join();
        RotatingLogFile old = sink.file();

        block.set(true);
        CompletableFuture<Void> beforeTheSwitch = sink.store(Records.start(1)).toCompletableFuture();
        assertTrue(stuck.await(10, TimeUnit.SECONDS), "the old writer is stuck");
        CompletableFuture<Void> switched = CompletableFuture.runAsync(() -> sink.configure(Records.config(
                "directory", second.toString(), "minFreeMegabytes", "1", "queueCapacity", "1")));
        Records.await("the configuration is switching", () -> sink.file() != old);

        CompletableFuture<Void> duringTheSwitch = sink.store(Records.start(2)).toCompletableFuture();
        assertFalse(duringTheSwitch.isDone(), "waits for the new writer, which waits for the old one");
        assertEquals(Optional.empty(), sink.failure());
        CompletableFuture<Void> beyondTheQueue = sink.store(Records.start(3)).toCompletableFuture();
        assertTrue(beyondTheQueue.isCompletedExceptionally(), "the new queue holds one record");
        assertEquals(1, sink.refusedRecords());

        release.countDown();
        switched.get(30, TimeUnit.SECONDS);
        beforeTheSwitch.get(30, TimeUnit.SECONDS);
        duringTheSwitch.get(30, TimeUnit.SECONDS);
        assertEquals(2, Records.allLines(first).size());
        assertEquals(1, Records.allLines(second).size());
        assertTrue(Records.allLines(second).get(0).startsWith("{\"id\":\"ac-2\","));

        sink.deactivate();
        assertTrue(sink.store(Records.start(4)).toCompletableFuture().isCompletedExceptionally());
        assertEquals(2, sink.refusedRecords(), "a record refused by a stopped sink is counted too");
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
