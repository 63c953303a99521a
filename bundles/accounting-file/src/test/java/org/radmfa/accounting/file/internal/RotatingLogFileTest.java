package org.radmfa.accounting.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.testsupport.ManualClock;

class RotatingLogFileTest {

    private static RotatingLogFile.Options options(Path directory, LogFileNaming naming, long maxBytes, int maxFiles,
            int maxAgeDays) {
        return new RotatingLogFile.Options(directory, naming, maxBytes, maxFiles, maxAgeDays, 0,
                FailurePolicy.WITHHOLD_RESPONSE, 10_000, ZoneOffset.UTC);
    }

    private static void writeAll(RotatingLogFile file, List<String> lines) {
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        lines.forEach(line -> stages.add(file.append(line)));
        CompletableFuture.allOf(stages.toArray(new CompletableFuture[0])).join();
    }

    @Test
    void npsNamesForEachPeriod() {
        LocalDate day = LocalDate.of(2026, 11, 25);
        assertEquals("IN261125.log", name(LogFileNaming.nps(LogFileNaming.Period.DAILY), day, 0));
        assertEquals("IN261125-2.log", name(LogFileNaming.nps(LogFileNaming.Period.DAILY), day, 2));
        assertEquals("IN261104.log", name(LogFileNaming.nps(LogFileNaming.Period.WEEKLY), day, 0));
        assertEquals("IN2611.log", name(LogFileNaming.nps(LogFileNaming.Period.MONTHLY), day, 0));
        assertEquals("iaslog-1.log", name(LogFileNaming.nps(LogFileNaming.Period.NONE), day, 1));
        assertEquals("accounting-2026-11-25.jsonl",
                name(LogFileNaming.jsonLines("accounting", LogFileNaming.Period.DAILY), day, 0));
        assertEquals("accounting-2026-11-25-3.jsonl",
                name(LogFileNaming.jsonLines("accounting", LogFileNaming.Period.DAILY), day, 3));
        assertEquals("accounting-2026-W48.jsonl",
                name(LogFileNaming.jsonLines("accounting", LogFileNaming.Period.WEEKLY), day, 0));
        assertEquals("accounting-2026-11.jsonl",
                name(LogFileNaming.jsonLines("accounting", LogFileNaming.Period.MONTHLY), day, 0));
        LogFileNaming daily = LogFileNaming.nps(LogFileNaming.Period.DAILY);
        assertEquals(new LogFileNaming.Parsed("IN261125", 12), daily.parse("IN261125-12.log"));
        assertEquals(null, daily.parse("IN261125.log.bak"));
        assertEquals(null, daily.parse("accounting-2026-11-25.jsonl"));
    }

    private static String name(LogFileNaming naming, LocalDate day, int sequence) {
        return naming.fileName(naming.base(day), sequence);
    }

    @Test
    void aNewFileEachDayByTheInjectedClock(@TempDir Path directory) throws Exception {
        ManualClock clock = new ManualClock("2026-11-25T23:59:59Z");
        RotatingLogFile file = new RotatingLogFile("test", options(directory,
                LogFileNaming.nps(LogFileNaming.Period.DAILY), 0, 0, 0), clock, RotatingLogFile.DiskSpace.FILE_STORE);
        writeAll(file, List.of("a1\n", "a2\n"));
        clock.advance(Duration.ofSeconds(2));
        writeAll(file, List.of("b1\n"));
        file.close();
        assertEquals(List.of("IN261125.log", "IN261126.log"), Records.names(directory));
        assertEquals(List.of("a1", "a2"), Files.readAllLines(directory.resolve("IN261125.log")));
        assertEquals(List.of("b1"), Files.readAllLines(directory.resolve("IN261126.log")));
    }

    /** 1,000 records of 100 bytes, 1,000 bytes a file: ten records each, none split, none lost, in order. */
    @Test
    void sizeRotationNeverSplitsOrLosesARecord(@TempDir Path directory) throws Exception {
        RotatingLogFile file = new RotatingLogFile("test", options(directory,
                LogFileNaming.jsonLines("accounting", LogFileNaming.Period.DAILY), 1000, 0, 0),
                new ManualClock("2026-11-25T12:00:00Z"), RotatingLogFile.DiskSpace.FILE_STORE);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            lines.add(String.format("{\"n\":%05d,\"pad\":\"%s\"}%n", i, "x".repeat(100 - 21)));
        }
        assertEquals(100, lines.get(0).length());
        writeAll(file, lines);
        // A record larger than the limit goes whole into a file of its own.
        writeAll(file, List.of("y".repeat(1500) + "\n", "{\"after\":1}\n"));
        file.close();
        List<String> names = Records.names(directory);
        assertEquals(102, names.size(), names.toString());
        assertTrue(names.contains("accounting-2026-11-25.jsonl") && names.contains("accounting-2026-11-25-101.jsonl"));
        List<String> read = new ArrayList<>();
        for (int i = 0; i < 102; i++) {
            Path path = directory.resolve("accounting-2026-11-25" + (i == 0 ? "" : "-" + i) + ".jsonl");
            long size = Files.size(path);
            assertTrue(i == 100 ? size == 1501 : size <= 1000, path + " has " + size + " bytes");
            read.addAll(Files.readAllLines(path));
        }
        assertEquals(1002, read.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals(lines.get(i).trim(), read.get(i), "record " + i + " whole and in order");
        }
        assertEquals("{\"after\":1}", read.get(1001));
    }

    @Test
    void retentionKeepsTheNewestFilesAndTheOneBeingWritten(@TempDir Path directory) throws Exception {
        for (String old : List.of("IN261120.log", "IN261121.log", "IN261122.log", "IN261122-1.log",
                "IN261123.log", "notes.txt")) {
            Files.writeString(directory.resolve(old), "old\n");
        }
        ManualClock clock = new ManualClock("2026-11-24T10:00:00Z");
        RotatingLogFile file = new RotatingLogFile("test", options(directory,
                LogFileNaming.nps(LogFileNaming.Period.DAILY), 0, 3, 0), clock, RotatingLogFile.DiskSpace.FILE_STORE);
        writeAll(file, List.of("today\n"));
        assertEquals(List.of("IN261122-1.log", "IN261123.log", "IN261124.log", "notes.txt"), Records.names(directory));
        clock.advance(Duration.ofDays(1));
        writeAll(file, List.of("tomorrow\n"));
        file.close();
        assertEquals(List.of("IN261123.log", "IN261124.log", "IN261125.log", "notes.txt"), Records.names(directory));
    }

    /** Records arriving one every 50 µs for 40 ms share commits: at most one force per 2 ms, not one per record. */
    @Test
    void recordsArrivingCloseTogetherShareOneForce(@TempDir Path directory) throws Exception {
        RotatingLogFile file = new RotatingLogFile("test", options(directory,
                LogFileNaming.jsonLines("audit", LogFileNaming.Period.NONE), 0, 0, 0), new ManualClock(
                        "2026-11-25T10:00:00Z"), RotatingLogFile.DiskSpace.FILE_STORE);
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        long start = System.nanoTime();
        long next = start;
        for (int i = 0; i < 800; i++) {
            while (System.nanoTime() < next) {
                Thread.onSpinWait();
            }
            stages.add(file.append("record " + i + "\n"));
            next += 50_000;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        CompletableFuture.allOf(stages.toArray(new CompletableFuture[0])).join();
        long forces = file.forces();
        file.close();
        assertEquals(800, Records.allLines(directory).size());
        long allowed = millis * 1_000_000 / RotatingLogFile.MIN_FORCE_INTERVAL_NANOS + 3;
        assertTrue(forces <= allowed, forces + " forces for 800 records in " + millis + " ms, at most " + allowed);
    }

    /** Four threads appending at once, as the deciding threads do: every record is written once, none refused. */
    @Test
    void recordsFromManyThreadsAreAllWrittenOnce(@TempDir Path directory) throws Exception {
        RotatingLogFile file = new RotatingLogFile("test", options(directory,
                LogFileNaming.jsonLines("audit", LogFileNaming.Period.NONE), 0, 0, 0), new ManualClock(
                        "2026-11-25T10:00:00Z"), RotatingLogFile.DiskSpace.FILE_STORE);
        int threads = 4;
        int each = 2000; // 8,000 in all: within the queue's capacity (10,000) however slowly the writer drains
        List<CompletableFuture<Void>> stages = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        stages.add(file.append(thread + "-" + i + "\n"));
                    }
                }));
            }
            for (java.util.concurrent.Future<?> future : done) {
                future.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        CompletableFuture.allOf(stages.toArray(new CompletableFuture[0])).get(60, java.util.concurrent.TimeUnit.SECONDS);
        file.close();
        assertEquals(0, file.refused());
        List<String> lines = Records.allLines(directory);
        assertEquals(threads * each, lines.size());
        assertEquals(threads * each, new java.util.HashSet<>(lines).size(), "each record once");
    }

    @Test
    void retentionByAgeDeletesFilesLastWrittenTooLongAgo(@TempDir Path directory) throws Exception {
        ManualClock clock = new ManualClock("2026-11-25T10:00:00Z");
        Files.writeString(directory.resolve("audit-2026-11-01.jsonl"), "old\n");
        Files.setLastModifiedTime(directory.resolve("audit-2026-11-01.jsonl"),
                FileTime.from(clock.instant().minus(Duration.ofDays(31))));
        Files.writeString(directory.resolve("audit-2026-11-20.jsonl"), "recent\n");
        Files.setLastModifiedTime(directory.resolve("audit-2026-11-20.jsonl"),
                FileTime.from(clock.instant().minus(Duration.ofDays(5))));
        RotatingLogFile file = new RotatingLogFile("test", options(directory,
                LogFileNaming.jsonLines("audit", LogFileNaming.Period.DAILY), 0, 0, 30), clock,
                RotatingLogFile.DiskSpace.FILE_STORE);
        writeAll(file, List.of("now\n"));
        file.close();
        assertEquals(List.of("audit-2026-11-20.jsonl", "audit-2026-11-25.jsonl"), Records.names(directory));
    }

    @Test
    void aRestartAppendsToTheNewestFileOfThePeriod(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("IN261125.log"), "1\n");
        Files.writeString(directory.resolve("IN261125-1.log"), "2\n");
        RotatingLogFile file = new RotatingLogFile("test", options(directory,
                LogFileNaming.nps(LogFileNaming.Period.DAILY), 0, 0, 0), new ManualClock("2026-11-25T10:00:00Z"),
                RotatingLogFile.DiskSpace.FILE_STORE);
        writeAll(file, List.of("3\n"));
        file.close();
        assertEquals(List.of("2", "3"), Files.readAllLines(directory.resolve("IN261125-1.log")));
    }
}
