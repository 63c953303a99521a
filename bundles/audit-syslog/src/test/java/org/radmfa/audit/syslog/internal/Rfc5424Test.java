package org.radmfa.audit.syslog.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class Rfc5424Test {

    private final Rfc5424 format = new Rfc5424(10, "radmfa-1 host", "radmfa", "4242", "radmfa@32473");

    @Test
    void headerAndStructuredDataAsTheRfcSpellsThem() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("correlationId", "c-1");
        params.put("user", "alice");
        params.put("policy", null);
        String message = new String(format.message(Rfc5424.SEVERITY_NOTICE, Instant.parse("2026-12-05T09:04:54.123456Z"),
                "decision", params, "reject"), StandardCharsets.UTF_8);
        // authpriv (10) * 8 + notice (5) = 85; milliseconds only; a space in the host name is not allowed.
        assertEquals("<85>1 2026-12-05T09:04:54.123Z radmfa-1_host radmfa 4242 decision"
                + " [radmfa@32473 correlationId=\"c-1\" user=\"alice\"] reject", message);
    }

    @Test
    void valuesAreEscapedPerSection633AndControlCharactersShown() {
        assertEquals("a\\\"b\\\\c\\]d", Rfc5424.escape("a\"b\\c]d"));
        assertEquals("evil\\u000a<13>1 forged", Rfc5424.escape("evil\n<13>1 forged"));
        assertEquals("ünïcode", Rfc5424.escape("ünïcode"));
        assertTrue(Rfc5424.escape("x".repeat(5000)).length() < 600);
    }

    @Test
    void theMessageTextStaysOnOneLine() {
        String message = new String(format.message(6, Instant.EPOCH, "decision", Map.of(), "line one\r\nline two"),
                StandardCharsets.UTF_8);
        assertFalse(message.contains("\n"), message);
        assertTrue(message.endsWith("line one\\u000d\\u000aline two"), message);
    }

    @Test
    void octetCountingCountsBytesNotCharacters() {
        byte[] message = "<14>1 - - - - - - é".getBytes(StandardCharsets.UTF_8);
        byte[] framed = Rfc5424.frame(message);
        assertTrue(new String(framed, StandardCharsets.UTF_8).startsWith("20 <14>1"));
        byte[] body = new byte[message.length];
        System.arraycopy(framed, 3, body, 0, body.length);
        assertArrayEquals(message, body);
    }

    /**
     * A value or text longer than its limit is cut, never in the middle of a surrogate pair: half a pair is not a
     * character and would go out as '?'. A character that fits whole stays.
     */
    @Test
    void aCutNeverSplitsACharacterOutsideTheBasicPlane() {
        String emoji = "\uD83D\uDE00"; // U+1F600, two UTF-16 chars
        String value = "a".repeat(Rfc5424.MAX_VALUE_CHARS - 1) + emoji + "tail";
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", value);
        String text = "b".repeat(Rfc5424.MAX_TEXT_CHARS - 1) + emoji + "tail";
        byte[] bytes = format.message(6, Instant.EPOCH, "decision", params, text);
        String message = new String(bytes, StandardCharsets.UTF_8);
        assertFalse(message.contains("?"), "half a surrogate pair went out as '?'");
        assertTrue(message.contains("user=\"" + "a".repeat(Rfc5424.MAX_VALUE_CHARS - 1) + "...\""), message);
        assertTrue(message.endsWith("b".repeat(Rfc5424.MAX_TEXT_CHARS - 1) + "..."), message);

        String fits = "a".repeat(Rfc5424.MAX_VALUE_CHARS - 2) + emoji + "tail";
        assertEquals("a".repeat(Rfc5424.MAX_VALUE_CHARS - 2) + emoji + "...", Rfc5424.escape(fits));
    }

    /** RFC 5424 section 6.3.2: an SD-ID is an SD-NAME, 1 to 32 characters in all, its "@number" part included. */
    @Test
    void anSdIdIsAtMost32CharactersWithItsEnterpriseNumber() {
        assertTrue(Rfc5424.validName("a".repeat(26) + "@32473"), "32 characters");
        assertFalse(Rfc5424.validName("a".repeat(27) + "@32473"), "33 characters");
        assertFalse(Rfc5424.validName("radmfa-audit@1.3.6.1.4.1.32473.1.2.3.4.5"), "a long enterprise number");
    }

    @Test
    void namesAreChecked() {
        assertTrue(Rfc5424.validName("radmfa@32473"));
        assertFalse(Rfc5424.validName("radmfa@abc"));
        assertFalse(Rfc5424.validName("has space"));
        assertFalse(Rfc5424.validName("a=b"));
        assertThrows(IllegalArgumentException.class, () -> new Rfc5424(24, "h", "a", "1", "x@1"));
        assertThrows(IllegalArgumentException.class,
                () -> format.message(6, Instant.EPOCH, "m", Map.of("bad name", "v"), null));
    }
}
