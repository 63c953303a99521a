package org.radmfa.accounting.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.AccountingRecord;
import org.radmfa.testsupport.ManualClock;

/** The disk-full and write-failure policies, with a simulated disk, a real write error and a real full tmpfs. */
class FailurePolicyTest {
    private static final long MB = 1024 * 1024;

    private static FileAccountingSink sink(Path directory, String onFailure, int minFreeMegabytes,
            RotatingLogFile.DiskSpace disk, ManualClock clock) {
        FileAccountingSink sink = new FileAccountingSink(clock, disk);
        sink.configure(Records.config("directory", directory.toString(), "onFailure", onFailure,
                "minFreeMegabytes", String.valueOf(minFreeMegabytes)));
        return sink;
    }

    private static void stored(FileAccountingSink sink, AccountingRecord record) {
        sink.store(record).toCompletableFuture().join();
    }

    private static String refused(FileAccountingSink sink, AccountingRecord record) {
        CompletionException refused = assertThrows(CompletionException.class,
                () -> sink.store(record).toCompletableFuture().join());
        return refused.getCause().getMessage();
    }

    @Test
    void withholdResponseRefusesBelowTheThresholdAndRecoversWithSpace(@TempDir Path directory) throws Exception {
        AtomicLong free = new AtomicLong(100 * MB);
        FileAccountingSink sink = sink(directory, "withhold-response", 10, d -> free.get(),
                new ManualClock("2026-11-25T12:00:00Z"));
        stored(sink, Records.start(1));
        free.set(5 * MB);
        assertTrue(refused(sink, Records.start(2)).contains("below the threshold of 10.0 MB"));
        assertTrue(sink.failure().orElseThrow().contains("only 5.0 MB free"));
        assertFalse(sink.discardsRequests(), "withhold-response does not stop authentication");
        assertEquals(1, sink.refusedRecords());
        free.set(100 * MB);
        stored(sink, Records.start(3));
        Records.await("failure cleared", () -> sink.failure().isEmpty());
        assertEquals(List.of("ac-1", "ac-3"), ids(directory));
        sink.deactivate();
    }

    @Test
    void discardRequestsHoldsWhileLoggingFailsAndLiftsWhenSpaceReturns(@TempDir Path directory) throws Exception {
        AtomicLong free = new AtomicLong(5 * MB);
        FileAccountingSink sink = sink(directory, "discard-requests", 10, d -> free.get(),
                new ManualClock("2026-11-25T12:00:00Z"));
        assertFalse(sink.discardsRequests(), "nothing has failed yet");
        refused(sink, Records.start(1));
        assertTrue(sink.discardsRequests());
        // No further record arrives: the idle writer notices the space by itself.
        free.set(100 * MB);
        Records.await("requests allowed again", () -> !sink.discardsRequests());
        stored(sink, Records.start(2));
        sink.deactivate();
    }

    @Test
    void freeSpaceBelowTheThresholdIsNoticedWithoutWaitingForARecord(@TempDir Path directory) throws Exception {
        AtomicLong free = new AtomicLong(100 * MB);
        FileAccountingSink sink = sink(directory, "discard-requests", 10, d -> free.get(),
                new ManualClock("2026-11-25T12:00:00Z"));
        free.set(MB);
        Records.await("requests discarded", sink::discardsRequests);
        assertEquals(0, sink.refusedRecords());
        free.set(100 * MB);
        Records.await("requests allowed again", () -> !sink.discardsRequests());
        sink.deactivate();
    }

    /** A 2 MB disk with 1.2 MB of old files and a 1 MB threshold: the oldest goes, the record is written. */
    @Test
    void deleteOldestFreesSpaceByDeletingTheOldestRotatedFiles(@TempDir Path directory) throws Exception {
        for (String old : List.of("accounting-2026-11-20.jsonl", "accounting-2026-11-21.jsonl",
                "accounting-2026-11-22.jsonl")) {
            Files.write(directory.resolve(old), new byte[400 * 1024]);
        }
        RotatingLogFile.DiskSpace quota = d -> 2 * MB - used(d);
        FileAccountingSink sink = sink(directory, "delete-oldest", 1, quota, new ManualClock("2026-11-25T12:00:00Z"));
        stored(sink, Records.start(1));
        assertEquals(List.of("accounting-2026-11-21.jsonl", "accounting-2026-11-22.jsonl",
                "accounting-2026-11-25.jsonl"), Records.names(directory));
        assertTrue(sink.failure().isEmpty());
        sink.deactivate();
    }

    @Test
    void deleteOldestRefusesWhenOnlyTheCurrentFileIsLeft(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("accounting-2026-11-25.jsonl"), "{\"id\":\"acknowledged\"}\n");
        FileAccountingSink sink = sink(directory, "delete-oldest", 1, d -> 0, new ManualClock("2026-11-25T12:00:00Z"));
        assertTrue(refused(sink, Records.start(1)).contains("below the threshold"));
        assertEquals(1, sink.refusedRecords());
        assertEquals(List.of("accounting-2026-11-25.jsonl"), Records.names(directory), "the file in use is kept");
        sink.deactivate();
    }

    /**
     * A write error that deleting cannot fix (today's file is a directory, as a file of the wrong mode would be for a
     * non-root service): delete-oldest refuses the record and keeps every older file.
     */
    @Test
    void deleteOldestKeepsTheArchiveWhenTheFailureIsNotAboutSpace(@TempDir Path directory) throws Exception {
        List<String> older = List.of("accounting-2026-11-20.jsonl", "accounting-2026-11-21.jsonl",
                "accounting-2026-11-22.jsonl");
        for (String old : older) {
            Files.writeString(directory.resolve(old), "{\"id\":\"acknowledged\"}\n");
        }
        ManualClock clock = new ManualClock("2026-11-24T23:59:00Z");
        FileAccountingSink sink = sink(directory, "delete-oldest", 0, RotatingLogFile.DiskSpace.FILE_STORE, clock);
        stored(sink, Records.start(1));
        Files.createDirectory(directory.resolve("accounting-2026-11-25.jsonl"));
        clock.advance(Duration.ofMinutes(2));
        refused(sink, Records.start(2));
        assertTrue(sink.failure().isPresent());
        List<String> kept = new java.util.ArrayList<>(older);
        kept.add("accounting-2026-11-24.jsonl");
        kept.add("accounting-2026-11-25.jsonl");
        assertEquals(kept, Records.names(directory), "no file is deleted for a failure that is not about space");
        sink.deactivate();
    }

    /**
     * A file that opens but takes no write (I/O errors, a quota reached): the failure, and with it the turning away
     * of Access-Requests, holds until a write reaches the disk, not merely until the file opens again.
     */
    @Test
    void aFileThatOpensButCannotBeWrittenStaysFailedUntilAWriteSucceeds(@TempDir Path directory) throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        AtomicInteger opens = new AtomicInteger();
        RotatingLogFile.FileOpener opener = (path, options) -> {
            opens.incrementAndGet();
            return new FailingWritesChannel(FileChannel.open(path, options), broken::get);
        };
        FileAccountingSink sink = new FileAccountingSink(new ManualClock("2026-11-25T12:00:00Z"),
                RotatingLogFile.DiskSpace.FILE_STORE, opener, new LogFileClaims());
        sink.configure(Records.config("directory", directory.toString(), "onFailure", "discard-requests"));
        stored(sink, Records.start(1));
        broken.set(true);
        assertTrue(refused(sink, Records.start(2)).contains("Input/output error"));
        assertTrue(sink.discardsRequests());
        // The idle writer probes about once a second while failing; each probe opens a file.
        int before = opens.get();
        Records.await("three probes, or the failure lifted", () -> opens.get() >= before + 3
                || !sink.discardsRequests());
        assertTrue(sink.discardsRequests(), "the file opens, but no write has succeeded");
        assertTrue(sink.failure().orElseThrow().contains("Input/output error"), sink.failure().orElseThrow());
        refused(sink, Records.start(3));
        broken.set(false);
        Records.await("logging works again", () -> !sink.discardsRequests());
        stored(sink, Records.start(4));
        assertEquals(List.of("ac-1", "ac-4"), ids(directory));
        assertEquals(List.of("accounting-2026-11-25.jsonl"), Records.names(directory), "no probe file is left");
        sink.deactivate();
    }

    /** A real write error: the directory is replaced by a file, so the next day's file cannot be created. */
    @Test
    void aWriteErrorIsRefusedAndReportedUntilTheDirectoryIsBack(@TempDir Path parent) throws Exception {
        Path directory = parent.resolve("accounting");
        ManualClock clock = new ManualClock("2026-11-25T23:59:00Z");
        FileAccountingSink sink = sink(directory, "discard-requests", 0, RotatingLogFile.DiskSpace.FILE_STORE, clock);
        stored(sink, Records.start(1));
        Files.move(directory, parent.resolve("moved-away"));
        Files.writeString(directory, "not a directory");
        clock.advance(Duration.ofMinutes(2));
        refused(sink, Records.start(2));
        assertTrue(sink.discardsRequests());
        assertTrue(sink.failure().orElseThrow().contains("accounting"), sink.failure().orElseThrow());
        Files.delete(directory);
        Files.createDirectory(directory);
        Records.await("logging works again", () -> !sink.discardsRequests());
        stored(sink, Records.start(3));
        assertEquals(List.of("ac-3"), ids(directory));
        sink.deactivate();
    }

    /**
     * A real full disk: a 64 KiB tmpfs (needs root and mount; skipped otherwise). Records are refused once it is
     * full, the file holds only whole records, and delete-oldest makes room by deleting an old file.
     */
    @Test
    void aFullTmpfsRefusesRecordsWithoutLeavingHalfARecord(@TempDir Path parent) throws Exception {
        Path mount = Files.createDirectory(parent.resolve("tiny"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString()),
                "cannot mount a tmpfs here (not root?)");
        try {
            ManualClock clock = new ManualClock("2026-11-25T12:00:00Z");
            Path withhold = Files.createDirectory(mount.resolve("withhold"));
            FileAccountingSink sink = sink(withhold, "withhold-response", 0, RotatingLogFile.DiskSpace.FILE_STORE,
                    clock);
            int stored = 0;
            String refusal = null;
            for (int i = 0; i < 500 && refusal == null; i++) {
                try {
                    stored(sink, big(i));
                    stored++;
                } catch (CompletionException e) {
                    refusal = e.getCause().getMessage();
                }
            }
            assertTrue(refusal != null && stored > 10, "stored " + stored + ", then: " + refusal);
            List<String> lines = Records.allLines(withhold);
            assertEquals(stored, lines.size());
            lines.forEach(line -> assertTrue(line.startsWith("{\"id\":") && line.endsWith("}}"), line));
            assertTrue(sink.failure().isPresent());
            sink.deactivate();

            // The same full disk with delete-oldest: yesterday's file is deleted and today's records fit.
            Path previousDay = withhold.resolve("accounting-2026-11-25.jsonl");
            Path rotate = Files.createDirectory(mount.resolve("rotate"));
            Files.move(previousDay, rotate.resolve("accounting-2026-11-24.jsonl"));
            FileAccountingSink deleting = sink(rotate, "delete-oldest", 0, RotatingLogFile.DiskSpace.FILE_STORE,
                    clock);
            for (int i = 0; i < 10; i++) {
                stored(deleting, big(1000 + i));
            }
            assertEquals(List.of("accounting-2026-11-25.jsonl"), Records.names(rotate));
            deleting.deactivate();
        } finally {
            run("umount", mount.toString());
        }
    }

    private static AccountingRecord big(int n) {
        AccountingRecord start = Records.start(n);
        List<org.radmfa.api.RequestAttribute> attributes = new java.util.ArrayList<>(start.attributes());
        attributes.add(new org.radmfa.api.RequestAttribute(0, 18, "Reply-Message", "x".repeat(1000)));
        return new AccountingRecord(start.id(), start.clientName(), start.source(), attributes, start.received());
    }

    private static List<String> ids(Path directory) throws IOException {
        return Records.allLines(directory).stream().map(l -> l.substring(7, l.indexOf('"', 7))).toList();
    }

    private static long used(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static boolean run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
