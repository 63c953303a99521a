package org.radmfa.accounting.file.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.audit.AuditedDecision;

/**
 * One record as one line of JSON, for log shippers and for {@link AuditTrail} (which reads them with Jackson).
 * Attributes that repeat become arrays.
 *
 * <p>Written by hand rather than with Jackson's generator: a decision's line (about 750 bytes) is written for every
 * request, and Jackson's generator (a char buffer, a per-character escape loop, a StringWriter) took a quarter of the
 * appliance's CPU samples at full load (docs/performance.md). Plain text, nearly every value, is copied in one piece.
 * The output is the one Jackson writes, byte for byte ({@code JsonLinesTest} compares them for every character that
 * JSON escapes and for whole lines).
 */
final class JsonLines {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonLines() {
    }

    /**
     * One decision as one line: what was decided, why, by which policy, how long it took, and the trace. Reply
     * attributes by name only, except Class (the correlation): their values may be keys (MS-MPPE-*).
     */
    static String line(DecisionRecord record) {
        Decision decision = record.decision();
        StringBuilder out = new StringBuilder(1024);
        out.append("{\"correlationId\":");
        string(out, String.valueOf(record.correlationId()));
        field(out, "id", record.id());
        field(out, "time", record.time().toString());
        field(out, "client", record.client());
        field(out, "user", record.userName());
        field(out, "outcome", decision.outcome().name());
        field(out, "reason", decision.reason().name());
        out.append(",\"npsReasonCode\":").append(decision.reason().npsCode());
        field(out, "policy", decision.policyName());
        out.append(",\"millis\":").append(record.millis());
        if (!record.origin().isEmpty()) {
            out.append(",\"request\":");
            attributes(out, record.origin());
        }
        field(out, "detail", String.valueOf(decision.detail()));
        out.append(",\"replyAttributes\":[");
        boolean first = true;
        for (var attribute : decision.replyAttributes()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, AuditedDecision.withoutValue(attribute));
        }
        out.append("],\"trace\":[");
        first = true;
        for (String step : decision.trace()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, step);
        }
        return out.append("]}\n").toString();
    }

    static String line(AccountingRecord record) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"id\":");
        string(out, record.id());
        field(out, "received", record.received().toString());
        field(out, "client", record.clientName());
        field(out, "source", record.source().getAddress().getHostAddress() + ":" + record.source().getPort());
        out.append(",\"attributes\":");
        attributes(out, record.attributes());
        return out.append("}\n").toString();
    }

    /** Attributes as one JSON object, by name; an attribute that repeats becomes an array. */
    private static void attributes(StringBuilder out, List<RequestAttribute> attributes) {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (RequestAttribute attribute : attributes) {
            grouped.computeIfAbsent(attribute.name(), name -> new ArrayList<>()).add(attribute.value());
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, List<String>> entry : grouped.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, entry.getKey());
            out.append(':');
            List<String> values = entry.getValue();
            if (values.size() == 1) {
                string(out, values.get(0));
            } else {
                out.append('[');
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(out, values.get(i));
                }
                out.append(']');
            }
        }
        out.append('}');
    }

    /** {@code ,"name":value} with a name that needs no escaping. */
    private static void field(StringBuilder out, String name, String value) {
        out.append(",\"").append(name).append("\":");
        string(out, value);
    }

    /** A JSON string, or null; escaped as Jackson escapes by default (lower-case hex, \b and \f short). */
    static void string(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        int length = value.length();
        int clean = 0;
        while (clean < length && !needsEscape(value.charAt(clean))) {
            clean++;
        }
        // append(String) copies the string's array; append(CharSequence, int, int) goes char by char.
        if (clean == length) {
            out.append(value).append('"');
            return;
        }
        out.append(value, 0, clean);
        for (int i = clean; i < length; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == '"' || c == '\\';
    }
}
