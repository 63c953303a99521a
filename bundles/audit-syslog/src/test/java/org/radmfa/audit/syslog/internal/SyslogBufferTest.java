package org.radmfa.audit.syslog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.radmfa.testsupport.ManualClock;

class SyslogBufferTest {

    private static byte[] frame(String text) {
        return Rfc5424.frame(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Beyond the counter, a full buffer says so in the log: a WARN at the first drop, then at most once a minute
     * with the count, whether the drop is a new message or a batch that failed and no longer fits back.
     */
    @Test
    void dropsAreWarnedAboutAtTheFirstThenAtMostOnceAMinute() {
        ManualClock clock = new ManualClock("2026-12-05T09:00:00Z");
        SyslogBuffer buffer = new SyslogBuffer("siem", 1, clock);
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            buffer.offer(frame("kept"));
            for (int i = 0; i < 3; i++) {
                buffer.offer(frame("dropped " + i));
            }
            clock.advance(Duration.ofSeconds(59));
            buffer.putBack(List.of(frame("failed batch")));
            clock.advance(Duration.ofSeconds(1));
            buffer.offer(frame("dropped a minute after the first"));
        } finally {
            System.setErr(original);
        }
        List<String> warnings = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains(" WARN ")).toList();
        assertEquals(2, warnings.size(), String.join("\n", warnings));
        assertTrue(warnings.get(0).contains("Audit syslog 'siem': buffer full (queueCapacity 1); 1 message(s) dropped"
                + " since this was last logged, 1 in all"), warnings.get(0));
        assertTrue(warnings.get(1).contains("4 message(s) dropped since this was last logged, 5 in all"),
                warnings.get(1));
        assertEquals(5, buffer.dropped());
    }

    /**
     * A reconfiguration that resizes the buffer: a deciding thread that read the old settings before the switch
     * offers into the old buffer after its content moved, and a sender that was stuck in a write puts its batch back
     * into it. Neither may be lost without being counted.
     */
    @Test
    void whatReachesTheOldBufferAfterAResizeGoesToTheNewOne() {
        SyslogBuffer old = new SyslogBuffer("siem", 2, Clock.systemUTC());
        old.offer(frame("before"));
        SyslogBuffer resized = old.resized("siem", 3);
        assertTrue(old.offer(frame("offered late")));
        old.putBack(List.of(frame("put back late")));
        assertEquals(0, old.size());
        assertEquals(3, resized.size());
        assertEquals(0, resized.dropped());
        // Full now: what still reaches the old buffer is dropped and counted where the sink's counter is read.
        assertFalse(old.offer(frame("one too many")));
        assertEquals(1, resized.dropped());
        assertEquals(3, resized.size());
    }
}
