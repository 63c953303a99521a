package org.radmfa.accounting.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.testsupport.ManualClock;

class FileAuditLogTest {

    @Test
    void everyDecisionIsOneLineWithItsCorrelationAndNoAttributeValues(@TempDir Path directory) throws Exception {
        FileAuditLog log = new FileAuditLog(new ManualClock("2026-11-25T12:00:00Z"),
                RotatingLogFile.DiskSpace.FILE_STORE);
        log.configure(Records.config("directory", directory.toString()));
        Decision accept = new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "granted", "VPN",
                List.of(new ReplyAttribute("MS-MPPE-Send-Key", "0x00112233445566778899aabbccddeeff"),
                        new ReplyAttribute("Class", "radmfa:c-1")), List.of("policy 'VPN' matches"));
        log.decided(new DecisionRecord("rq-1", Instant.parse("2026-11-25T12:00:00Z"), "gw", "alice", accept, 12,
                "c-1"));
        log.decided(new DecisionRecord("rq-2", Instant.parse("2026-11-25T12:00:01Z"), "gw", "bob",
                Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "wrong password", List.of()), 3, "c-2"));
        log.deactivate();
        List<String> lines;
        try (var files = Files.list(directory)) {
            lines = Files.readAllLines(files.findFirst().orElseThrow());
        }
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("{\"correlationId\":\"c-1\",\"id\":\"rq-1\""), lines.get(0));
        assertTrue(lines.get(0).contains("\"replyAttributes\":[\"MS-MPPE-Send-Key\",\"Class=radmfa:c-1\"]"));
        assertFalse(lines.get(0).contains("00112233"), "no key material in the audit file");
        assertTrue(lines.get(1).contains("\"reason\":\"AUTHENTICATION_FAILED\",\"npsReasonCode\":16"), lines.get(1));
    }

    @Test
    void theAuditTrailCanBeNpsDtsXmlButNotIas(@TempDir Path directory) throws Exception {
        FileAuditLog log = new FileAuditLog(new ManualClock("2026-11-25T12:00:00Z"), RotatingLogFile.DiskSpace.FILE_STORE);
        log.configure(Records.config("felix.fileinstall.filename", "/etc/org.radmfa.audit.file-nps.cfg",
                "directory", directory.toString(), "format", "ias"));
        assertTrue(log.failure().orElseThrow().contains("key 'format': the audit file can be written as dts or json"),
                log.failure().orElseThrow());
        log.configure(Records.config("felix.fileinstall.filename", "/etc/org.radmfa.audit.file-nps.cfg",
                "directory", directory.toString(), "format", "dts"));
        assertEquals("audit file:nps", log.name());
        log.decided(new DecisionRecord("rq-2", Instant.parse("2026-11-25T12:00:01Z"), "gw", "bob",
                Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "wrong password", List.of()), 3, "c-2"));
        log.deactivate();
        String event = Files.readString(directory.resolve("IN261125.log"));
        assertTrue(event.startsWith("<Event>") && event.contains("<Reason-Code data_type=\"0\">16</Reason-Code>"),
                event);
    }

    /**
     * An audit file without a good configuration leaves every decision out: beyond the counter, the log says so as a
     * WARN, at once and then at most once a minute with the count, not only at DEBUG for each decision.
     */
    @Test
    void decisionsLeftOutWithoutAGoodConfigurationAreWarnedAboutOnceAMinute(@TempDir Path directory) throws Exception {
        ManualClock clock = new ManualClock("2026-11-25T12:00:00Z");
        FileAuditLog log = new FileAuditLog(clock, RotatingLogFile.DiskSpace.FILE_STORE);
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            log.configure(Records.config("felix.fileinstall.filename", "/etc/org.radmfa.audit.file.cfg",
                    "directory", directory.toString(), "format", "ias"));
            for (int i = 1; i <= 3; i++) {
                log.decided(reject("rq-" + i));
            }
            clock.advance(Duration.ofMinutes(1));
            log.decided(reject("rq-4"));
        } finally {
            System.setErr(original);
            log.deactivate();
        }
        List<String> warnings = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains(" WARN ") && line.contains("record(s) refused")).toList();
        assertEquals(2, warnings.size(), String.join("\n", warnings));
        assertTrue(warnings.get(0).contains("audit file: not writing (refused configuration: "
                + "etc/org.radmfa.audit.file.cfg: key 'format'"), warnings.get(0));
        assertTrue(warnings.get(0).contains("1 record(s) refused since this was last logged, 1 in all"),
                warnings.get(0));
        assertTrue(warnings.get(1).contains("3 record(s) refused since this was last logged, 4 in all"),
                warnings.get(1));
        assertEquals(4, log.refusedRecords());
    }

    private static DecisionRecord reject(String id) {
        return new DecisionRecord(id, Instant.parse("2026-11-25T12:00:00Z"), "gw", "bob",
                Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "wrong password", List.of()), 3, "c-" + id);
    }
}
