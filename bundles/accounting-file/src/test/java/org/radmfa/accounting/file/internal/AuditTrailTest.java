package org.radmfa.accounting.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.audit.AuditQuery;
import org.radmfa.api.audit.AuditSearchResult;
import org.radmfa.api.audit.AuditedDecision;
import org.radmfa.testsupport.ManualClock;

/**
 * The audit trail searched as the writer leaves it: three days of decisions in three daily files written by
 * {@link FileAuditLog} itself (clock moved by hand), then damaged, compressed and surrounded by files it must not read.
 * Only day 3's file is open for writing; the tests change the older ones as an operator, logrotate or a crash would.
 */
class AuditTrailTest {
    private static final Instant DAY1 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path directory;
    private FileAuditLog log;
    private ManualClock clock;
    private int written;

    /** Day 1: alice rejected (c-1), bob accepted (c-2); day 2: carol accepted (c-3); day 3: alice accepted (c-4). */
    @BeforeEach
    void threeDaysOfDecisions() throws Exception {
        clock = new ManualClock(DAY1.toString());
        log = new FileAuditLog(clock, RotatingLogFile.DiskSpace.FILE_STORE);
        log.configure(Records.config("directory", directory.toString()));
        decide(DAY1, "alice", "c-1", Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "wrong password",
                List.of("directory 'local': AUTHENTICATION_FAILED")));
        decide(DAY1.plusSeconds(60), "bob", "c-2", accept("c-2"));
        clock.advance(Duration.ofDays(1));
        decide(DAY1.plus(Duration.ofDays(1)), "carol", "c-3", accept("c-3"));
        clock.advance(Duration.ofDays(1));
        decide(DAY1.plus(Duration.ofDays(2)), "Alice", "c-4", accept("c-4"));
        assertEquals(List.of("audit-2026-11-23.jsonl", "audit-2026-11-24.jsonl", "audit-2026-11-25.jsonl"),
                Records.names(directory));
    }

    @AfterEach
    void stopWriting() {
        log.deactivate();
    }

    @Test
    void yesterdaysRejectedLoginOfAliceIsFoundInTheRotatedFileWithItsTrace() {
        AuditSearchResult result = log.search(AuditQuery.all().withExactUser("ALICE").withOutcomeOrReason("reject"));
        assertEquals(List.of("c-1"), correlationIds(result), result.summary());
        AuditedDecision rejected = result.decisions().get(0);
        assertEquals("AUTHENTICATION_FAILED", rejected.reason());
        assertEquals(16, rejected.npsReasonCode());
        assertEquals(List.of("directory 'local': AUTHENTICATION_FAILED"), rejected.trace());
        assertEquals(List.of("NAS-IP-Address = 10.1.255.4", "Calling-Station-Id = 203.0.113.50"), rejected.origin());
        assertEquals("audit-2026-11-23.jsonl", rejected.source());
        assertTrue(result.complete());
        assertEquals(3, result.filesSearched());
        assertEquals(0, result.unreadableLines());
    }

    @Test
    void criteriaCombineAndResultsComeNewestFirst() {
        assertEquals(List.of("c-4", "c-1"), correlationIds(log.search(AuditQuery.all().withUser("lic"))));
        assertEquals(List.of("c-4", "c-3", "c-2", "c-1"), correlationIds(log.search(AuditQuery.all())));
        assertEquals(List.of("c-4", "c-3", "c-2"), correlationIds(log.search(AuditQuery.all().withOutcomeOrReason(
                "ACCEPTED"))));
        assertEquals(List.of("c-1"), correlationIds(log.search(AuditQuery.all().withOutcomeOrReason("16"))));
        // The client by name (part of it) or by the NAS address the request gave, whole.
        assertEquals(4, log.search(AuditQuery.all().withClient("GW")).decisions().size());
        assertEquals(4, log.search(AuditQuery.all().withClient("10.1.255.4")).decisions().size());
        assertEquals(0, log.search(AuditQuery.all().withClient("10.1.255")).decisions().size());
        assertEquals(List.of("c-3"), correlationIds(log.search(AuditQuery.all().withCorrelationId("C-3"))));
    }

    @Test
    void theLimitStopsTheSearchBeforeTheOlderFiles() {
        AuditSearchResult result = log.search(AuditQuery.all().withLimit(1));
        assertEquals(List.of("c-4"), correlationIds(result));
        assertEquals(1, result.filesSearched());
        assertEquals(1, result.linesScanned());
    }

    @Test
    void filesOutsideTheTimeRangeAreSkippedUnread() {
        Instant day2 = DAY1.plus(Duration.ofDays(1));
        AuditSearchResult result = log.search(AuditQuery.all().withTimes(day2.minusSeconds(3600),
                day2.plusSeconds(3600)));
        assertEquals(List.of("c-3"), correlationIds(result));
        assertEquals(1, result.filesSearched(), result.summary());
        assertEquals(2, result.filesSkipped(), result.summary());
        assertEquals(1, result.linesScanned());
        // [from, to): a decision at 'to' is outside.
        assertEquals(List.of("c-2"), correlationIds(log.search(AuditQuery.all().withTimes(DAY1.plusSeconds(1),
                day2))));
    }

    @Test
    void aPastHourIsFoundByBisectionWithoutReadingTheRestOfItsDay() throws Exception {
        // Day 3's file: 2,000 more decisions, one every 30 s from 10:00:30 (about 17 hours).
        Instant start = DAY1.plus(Duration.ofDays(2));
        for (int i = 1; i <= 2000; i++) {
            log.decided(new DecisionRecord("rq-" + i, start.plusSeconds(30L * i), "gw", i % 2 == 0 ? "even" : "odd",
                    accept("b-" + i), 1, "b-" + i));
        }
        Records.await("2004 decisions written", () -> {
            try {
                return Records.allLines(directory).size() == 2004;
            } catch (IOException e) {
                return false;
            }
        });
        // 11:00 to 12:00: decisions 120 to 239.
        AuditSearchResult hour = log.search(AuditQuery.all().withTimes(start.plusSeconds(3600),
                start.plusSeconds(7200)).withLimit(1000));
        assertEquals(120, hour.decisions().size(), hour.summary());
        assertEquals("b-239", hour.decisions().get(0).correlationId());
        assertEquals("b-120", hour.decisions().get(119).correlationId());
        assertTrue(hour.complete());
        assertTrue(hour.linesScanned() < 400, "read from the hour's end, not the day's: " + hour.summary());
        // The even user's decisions of that hour, newest first; a range's end at the file's very end reads it all.
        assertEquals(60, log.search(AuditQuery.all().withExactUser("even").withTimes(start.plusSeconds(3600),
                start.plusSeconds(7200))).decisions().size());
        assertEquals(1000, log.search(AuditQuery.all().withUser("odd").withTimes(start, start.plus(Duration.ofDays(1)))
                .withLimit(2000)).decisions().size());
    }

    @Test
    void oneDecisionIsOpenedByItsCorrelationId() throws Exception {
        // Newer decisions whose ids start with bob's must not hide his.
        decide(DAY1.plus(Duration.ofDays(2)).plusSeconds(5), "dave", "c-21", accept("c-21"));
        decide(DAY1.plus(Duration.ofDays(2)).plusSeconds(6), "erin", "c-22", accept("c-22"));
        AuditedDecision bob = log.decision("c-2").orElseThrow();
        assertEquals("bob", bob.user());
        assertEquals(List.of("Class=radmfa:c-2", "MS-MPPE-Send-Key"), bob.replyAttributes());
        assertEquals("Demo VPN users", bob.policy());
        assertFalse(log.decision("c-").isPresent(), "a correlation id is opened whole, not by its start");
        assertFalse(log.decision("c-9").isPresent());
    }

    @Test
    void corruptAndTruncatedLinesAreSkippedAndCounted() throws Exception {
        Path day2 = directory.resolve("audit-2026-11-24.jsonl");
        String carol = Files.readString(day2);
        Files.writeString(day2, "{\"correlationId\":\"c-x\",\"outcome\":\n\u0000\u0001garbage\n" + carol
                + "[1,2]\n{\"correlationId\":\"c-5\",\"id\":\"rq-5\",\"time\":\"2026-11-24T1");
        AuditSearchResult result = log.search(AuditQuery.all());
        assertEquals(List.of("c-4", "c-3", "c-2", "c-1"), correlationIds(result));
        assertEquals(4, result.unreadableLines(), result.summary());
        assertTrue(result.summary().contains("4 unreadable skipped"), result.summary());
    }

    @Test
    void aLineWithoutEndIsUnreadableNotAMemoryProblem() throws Exception {
        Path day2 = directory.resolve("audit-2026-11-24.jsonl");
        try (OutputStream out = Files.newOutputStream(day2, StandardOpenOption.APPEND)) {
            byte[] block = new byte[64 << 10];
            java.util.Arrays.fill(block, (byte) 'x');
            for (int i = 0; i < 40; i++) {
                out.write(block);
            }
        }
        AuditSearchResult result = log.search(AuditQuery.all());
        assertEquals(List.of("c-4", "c-3", "c-2", "c-1"), correlationIds(result));
        assertEquals(1, result.unreadableLines());
    }

    @Test
    void aCompressedRotatedFileIsSearchedToo() throws Exception {
        Path day1 = directory.resolve("audit-2026-11-23.jsonl");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(directory.resolve(
                "audit-2026-11-23.jsonl.gz")))) {
            Files.copy(day1, out);
        }
        Files.delete(day1);
        AuditSearchResult result = log.search(AuditQuery.all().withUser("o"));
        assertEquals(List.of("c-3", "c-2"), correlationIds(result), result.summary());
        assertEquals("audit-2026-11-23.jsonl.gz", result.decisions().get(1).source());
        assertEquals(List.of("c-2"), correlationIds(log.search(AuditQuery.all().withUser("o").withTimes(null,
                DAY1.plusSeconds(3600)))));
    }

    @Test
    void onlyThisSinksFilesInItsDirectoryAreRead() throws Exception {
        Path outside = Files.createTempDirectory("outside");
        try {
            Path secret = outside.resolve("audit-2026-11-26.jsonl");
            Files.writeString(secret, Files.readString(directory.resolve("audit-2026-11-25.jsonl"))
                    .replace("c-4", "c-outside"));
            Files.createSymbolicLink(directory.resolve("audit-2026-11-26.jsonl"), secret);
            Files.copy(secret, directory.resolve("other-2026-11-26.jsonl"));
            Files.createDirectory(directory.resolve("audit-2026-11-27.jsonl"));
            AuditSearchResult result = log.search(AuditQuery.all());
            assertEquals(List.of("c-4", "c-3", "c-2", "c-1"), correlationIds(result));
            assertEquals(3, result.filesSearched());
        } finally {
            Files.deleteIfExists(outside.resolve("audit-2026-11-26.jsonl"));
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void aSearchStopsAtItsLineLimitAndSaysWhere() throws Exception {
        AuditTrail trail = new AuditTrail(directory, LogFileNaming.jsonLines("audit", LogFileNaming.Period.DAILY), 2);
        AuditSearchResult result = trail.search(AuditQuery.all().withUser("alice"));
        assertEquals(List.of("c-4"), correlationIds(result));
        assertEquals(2, result.linesScanned());
        assertFalse(result.complete());
        assertEquals("audit-2026-11-23.jsonl after 2 lines (searchMaxLines), having looked back to"
                + " 2026-11-24T10:00:00Z", result.stoppedAt());
        assertTrue(result.summary().contains("narrow the time range"), result.summary());
    }

    @Test
    void anNpsXmlTrailIsNotSearchableAndSaysWhy(@TempDir Path other) {
        FileAuditLog dts = new FileAuditLog(clock, RotatingLogFile.DiskSpace.FILE_STORE);
        dts.configure(Records.config("directory", other.toString(), "format", "dts"));
        try {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> dts.search(AuditQuery.all()));
            assertTrue(refused.getMessage().contains("only JSON lines (format = json) can be searched"),
                    refused.getMessage());
        } finally {
            dts.deactivate();
        }
    }

    @Test
    void aMissingDirectoryIsAnEmptyTrail(@TempDir Path other) throws Exception {
        AuditSearchResult result = new AuditTrail(other.resolve("none"), LogFileNaming.jsonLines("audit",
                LogFileNaming.Period.DAILY), 10).search(AuditQuery.all());
        assertNull(result.stoppedAt());
        assertEquals(0, result.filesSearched());
    }

    private static Decision accept(String correlationId) {
        return new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "granted", "Demo VPN users",
                List.of(new ReplyAttribute("Class", "radmfa:" + correlationId),
                        new ReplyAttribute("MS-MPPE-Send-Key", "0x00112233")), List.of("policy matches"));
    }

    /** One decision, waited for until it is in the file: the clock may move on after it. */
    private void decide(Instant time, String user, String correlationId, Decision decision) throws Exception {
        log.decided(new DecisionRecord("rq-" + correlationId, time, "gw", user, decision, 5, correlationId,
                List.of(new RequestAttribute(0, 4, "NAS-IP-Address", "10.1.255.4"),
                        new RequestAttribute(0, 31, "Calling-Station-Id", "203.0.113.50"))));
        int expected = ++written;
        Records.await(expected + " decisions written", () -> {
            try {
                return Records.allLines(directory).size() == expected;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static List<String> correlationIds(AuditSearchResult result) {
        return result.decisions().stream().map(AuditedDecision::correlationId).toList();
    }
}
