package org.radmfa.accounting.file.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.RequestAttribute;

/** One accounting record as one line of JSON, for log shippers. Attributes that repeat become arrays. */
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
        out.append(",\"id\":");
        string(out, record.id());
        out.append(",\"time\":");
        string(out, record.time().toString());
        out.append(",\"client\":");
        string(out, record.client());
        out.append(",\"user\":");
        string(out, record.userName());
        out.append(",\"outcome\":");
        string(out, decision.outcome().name());
        out.append(",\"reason\":");
        string(out, decision.reason().name());
        out.append(",\"npsReasonCode\":").append(decision.reason().npsCode());
        out.append(",\"policy\":");
        if (decision.policyName() == null) {
            out.append("null");
        } else {
            string(out, decision.policyName());
        }
        out.append(",\"millis\":").append(record.millis());
        if (!record.origin().isEmpty()) {
            out.append(",\"request\":");
            attributes(out, record.origin());
        }
        out.append(",\"detail\":");
        string(out, String.valueOf(decision.detail()));
        out.append(",\"replyAttributes\":[");
        boolean first = true;
        for (var attribute : decision.replyAttributes()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, attribute.name().equals("Class") ? attribute.toString() : attribute.name());
        }
        out.append("],\"trace\":[");
        for (int i = 0; i < decision.trace().size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            string(out, decision.trace().get(i));
        }
        return out.append("]}\n").toString();
    }

    static String line(AccountingRecord record) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"id\":");
        string(out, record.id());
        out.append(",\"received\":");
        string(out, record.received().toString());
        out.append(",\"client\":");
        string(out, record.clientName());
        out.append(",\"source\":");
        string(out, record.source().getAddress().getHostAddress() + ":" + record.source().getPort());
        out.append(",\"attributes\":");
        attributes(out, record.attributes());
        return out.append("}\n").toString();
    }

    /** Attributes as one JSON object, by name; an attribute that repeats becomes an array. */
    private static void attributes(StringBuilder out, List<RequestAttribute> attributes) {
        out.append('{');
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (RequestAttribute attribute : attributes) {
            grouped.computeIfAbsent(attribute.name(), name -> new java.util.ArrayList<>()).add(attribute.value());
        }
        boolean first = true;
        for (Map.Entry<String, List<String>> entry : grouped.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, entry.getKey());
            out.append(':');
            if (entry.getValue().size() == 1) {
                string(out, entry.getValue().get(0));
            } else {
                out.append('[');
                for (int i = 0; i < entry.getValue().size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(out, entry.getValue().get(i));
                }
                out.append(']');
            }
        }
        out.append('}');
    }

    static void string(StringBuilder out, String value) {
        out.append('"');
        int length = value.length();
        int clean = 0;
        while (clean < length && !needsEscape(value.charAt(clean))) {
            clean++;
        }
        // Nearly every value is plain text: copied in one piece (append(String) copies arrays, append(CharSequence,
        // int, int) goes char by char), which is what keeps the audit writer fast.
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
