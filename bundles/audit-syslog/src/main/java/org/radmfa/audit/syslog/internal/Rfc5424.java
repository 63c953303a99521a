package org.radmfa.audit.syslog.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * RFC 5424 messages with one structured data element, and their RFC 6587 octet-counting frame (the framing RFC 5425
 * prescribes for TLS, used on plain TCP too, so that no value can break a message in two). Header fields are
 * reduced to the printable US-ASCII the RFC allows; parameter values are escaped as its section 6.3.3 requires, and
 * control characters, which a SIEM would show raw, become {@code \}{@code uXXXX}.
 */
final class Rfc5424 {
    static final int SEVERITY_NOTICE = 5;
    static final int SEVERITY_INFO = 6;
    /** Long enough for any User-Name or detail the appliance makes, short of rsyslog's default 8 KiB per message. */
    static final int MAX_VALUE_CHARS = 512;
    static final int MAX_TEXT_CHARS = 2048;
    /** RFC 5424 section 6.2.3: at most six digits of fraction; milliseconds are what the decisions carry. */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final int facility;
    private final String hostname;
    private final String appName;
    private final String procId;
    private final String sdId;

    /**
     * @param facility 0..23 (10 is authpriv)
     * @param sdId the SD-ID, e.g. {@code radmfa@32473}: a name with an '@' and an enterprise number
     */
    Rfc5424(int facility, String hostname, String appName, String procId, String sdId) {
        if (facility < 0 || facility > 23) {
            throw new IllegalArgumentException("facility " + facility + " is not 0..23");
        }
        if (!validName(sdId)) {
            throw new IllegalArgumentException("'" + sdId + "' is not an SD-ID");
        }
        this.facility = facility;
        this.hostname = headerField(hostname, 255);
        this.appName = headerField(appName, 48);
        this.procId = headerField(procId, 128);
        this.sdId = sdId;
    }

    /**
     * One message, unframed. Parameters with a null value are left out; parameter names must be valid SD-NAMEs
     * (they are constants of this bundle).
     */
    byte[] message(int severity, Instant time, String msgId, Map<String, String> params, String text) {
        StringBuilder out = new StringBuilder(256);
        out.append('<').append(facility * 8 + severity).append(">1 ").append(TIMESTAMP.format(time)).append(' ')
                .append(hostname).append(' ').append(appName).append(' ').append(procId).append(' ')
                .append(headerField(msgId, 32)).append(" [").append(sdId);
        params.forEach((name, value) -> {
            if (value != null) {
                if (!validName(name)) {
                    throw new IllegalArgumentException("'" + name + "' is not a PARAM-NAME");
                }
                out.append(' ').append(name).append("=\"").append(escape(value)).append('"');
            }
        });
        out.append(']');
        if (text != null && !text.isEmpty()) {
            out.append(' ').append(printable(text, MAX_TEXT_CHARS));
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 6587 section 3.4.1: MSG-LEN SP SYSLOG-MSG, the length in octets. */
    static byte[] frame(byte[] message) {
        byte[] length = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[length.length + message.length];
        System.arraycopy(length, 0, frame, 0, length.length);
        System.arraycopy(message, 0, frame, length.length, message.length);
        return frame;
    }

    /** RFC 5424 section 6.3.3: '"', '\' and ']' escaped with a backslash; control characters made visible. */
    static String escape(String value) {
        String limited = cut(value, MAX_VALUE_CHARS);
        StringBuilder out = new StringBuilder(limited.length() + 8);
        for (int i = 0; i < limited.length(); i++) {
            char c = limited.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                out.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Free text after the structured data: one line, control characters made visible as in values. */
    private static String printable(String text, int max) {
        String limited = cut(text, max);
        StringBuilder out = new StringBuilder(limited.length());
        limited.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /**
     * At most {@code max} UTF-16 chars and "..." when longer, cut before a surrogate pair rather than through it: half
     * a pair is no character, and the UTF-8 encoder would send it as '?'.
     */
    private static String cut(String value, int max) {
        if (value.length() <= max) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
        return value.substring(0, end) + "...";
    }

    /** HOSTNAME, APP-NAME, PROCID, MSGID: printable US-ASCII, no space, bounded; "-" when empty. */
    static String headerField(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            out.append(c > 32 && c < 127 ? c : '_');
        }
        return out.toString();
    }

    /**
     * SD-NAME (RFC 5424 section 6.3.2): 1 to 32 printable US-ASCII characters except '=', SP, ']' and '"'. An SD-ID
     * is one too: the 32 include its "@enterprise-number", which must be digits and dots.
     */
    static boolean validName(String name) {
        if (name == null || name.isEmpty() || name.length() > 32) {
            return false;
        }
        int at = name.indexOf('@');
        if (at == 0) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 32 || c >= 127 || c == '=' || c == ']' || c == '"') {
                return false;
            }
        }
        return at < 0 || name.substring(at + 1).matches("[0-9]+(\\.[0-9]+)*");
    }
}
