package org.radmfa.accounting.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ReasonCode;
import org.radmfa.testsupport.ManualClock;

/** Two sinks never write the same names to one directory: the second configuration is refused, the first writes. */
class LogFileClaimsTest {
    private final LogFileClaims claims = new LogFileClaims();
    private final ManualClock clock = new ManualClock("2026-11-25T12:00:00Z");

    private FileAccountingSink accounting(String name, Object... settings) {
        FileAccountingSink sink = new FileAccountingSink(clock, RotatingLogFile.DiskSpace.FILE_STORE,
                RotatingLogFile.FileOpener.FILE_CHANNEL, claims);
        sink.configure(file("org.radmfa.accounting.file-" + name, settings));
        return sink;
    }

    private FileAuditLog audit(String name, Object... settings) {
        FileAuditLog log = new FileAuditLog(clock, RotatingLogFile.DiskSpace.FILE_STORE, claims);
        log.configure(file("org.radmfa.audit.file-" + name, settings));
        return log;
    }

    private static Map<String, Object> file(String pid, Object... settings) {
        Map<String, Object> config = Records.config(settings);
        config.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/" + pid + ".cfg");
        return config;
    }

    private static void stored(FileAccountingSink sink, int n) {
        sink.store(Records.start(n)).toCompletableFuture().join();
    }

    @Test
    void aSecondSinkOnTheSameFilesIsRefusedAndTheFirstKeepsWriting(@TempDir Path directory) throws Exception {
        FileAccountingSink first = accounting("nps", "format", "dts", "directory", directory.toString());
        FileAccountingSink second = accounting("reports", "format", "ias", "directory", directory.toString());
        assertEquals(Optional.empty(), first.failure());
        String refusal = second.failure().orElseThrow();
        assertTrue(refusal.contains("etc/org.radmfa.accounting.file-reports.cfg: key 'directory': "), refusal);
        assertTrue(refusal.contains("accounting file 'nps' (etc/org.radmfa.accounting.file-nps.cfg)"), refusal);
        stored(first, 1);
        assertThrows(CompletionException.class, () -> stored(second, 2));
        assertEquals(List.of("IN261125.log"), Records.names(directory));
        assertEquals(1, Records.allLines(directory).size(), "only the first sink's record");
        first.deactivate();
        second.deactivate();
    }

    @Test
    void theAuditTrailCannotWriteTheAccountingSinksNpsFiles(@TempDir Path directory) {
        FileAccountingSink accounting = accounting("nps", "format", "dts", "directory", directory.toString());
        FileAuditLog audit = audit("nps", "format", "dts", "directory", directory.toString());
        String refusal = audit.failure().orElseThrow();
        assertTrue(refusal.contains("etc/org.radmfa.audit.file-nps.cfg: key 'directory': "), refusal);
        assertTrue(refusal.contains("accounting file 'nps'"), refusal);
        assertEquals(Optional.empty(), accounting.failure());
        accounting.deactivate();
        audit.deactivate();
    }

    /** A monthly JSON sink would take a daily one's files for splits of its month (and delete them as its own). */
    @Test
    void anotherRotationOfTheSameNamesIsRefusedToo(@TempDir Path directory) {
        FileAccountingSink daily = accounting("daily", "directory", directory.toString());
        FileAccountingSink monthly = accounting("monthly", "directory", directory.toString(), "rotation",
                "monthly");
        assertTrue(monthly.failure().orElseThrow().contains("accounting file 'daily'"),
                monthly.failure().orElseThrow());
        daily.deactivate();
        monthly.deactivate();
    }

    @Test
    void theSameDirectoryByAnotherPathIsTheSameDirectory(@TempDir Path parent) throws Exception {
        Path directory = Files.createDirectory(parent.resolve("accounting"));
        Path link = Files.createSymbolicLink(parent.resolve("link"), directory);
        FileAccountingSink first = accounting("a", "directory", directory.toString());
        FileAccountingSink second = accounting("b", "directory", link + "/../link/.");
        assertTrue(second.failure().orElseThrow().contains("accounting file 'a'"), second.failure().orElseThrow());
        first.deactivate();
        second.deactivate();
    }

    @Test
    void sinksWithOtherNamesShareADirectory(@TempDir Path directory) throws Exception {
        FileAccountingSink json = accounting("json", "directory", directory.toString());
        FileAccountingSink dts = accounting("dts", "directory", directory.toString(), "format", "dts");
        FileAuditLog audit = audit("default", "directory", directory.toString());
        stored(json, 1);
        stored(dts, 2);
        audit.decided(new DecisionRecord("rq-1", Instant.parse("2026-11-25T12:00:00Z"), "gw", "bob",
                Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "wrong password", List.of()), 3, "c-1"));
        audit.deactivate();
        json.deactivate();
        dts.deactivate();
        assertEquals(List.of("IN261125.log", "accounting-2026-11-25.jsonl", "audit-2026-11-25.jsonl"),
                Records.names(directory));
    }

    @Test
    void aDirectoryIsFreeOnceItsSinkHasMovedAwayOrStopped(@TempDir Path directory) throws Exception {
        Path other = directory.resolve("other");
        FileAccountingSink first = accounting("a", "directory", directory.toString());
        FileAccountingSink second = accounting("b", "directory", directory.toString());
        assertTrue(second.failure().isPresent());
        first.configure(file("org.radmfa.accounting.file-a", "directory", other.toString()));
        second.configure(file("org.radmfa.accounting.file-b", "directory", directory.toString()));
        assertEquals(Optional.empty(), second.failure(), "the first sink has moved away");
        FileAccountingSink third = accounting("c", "directory", other.toString());
        assertTrue(third.failure().isPresent());
        first.deactivate();
        third.configure(file("org.radmfa.accounting.file-c", "directory", other.toString()));
        assertEquals(Optional.empty(), third.failure(), "the first sink has stopped");
        second.deactivate();
        third.deactivate();
    }
}
