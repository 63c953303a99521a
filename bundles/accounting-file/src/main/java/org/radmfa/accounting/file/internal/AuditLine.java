package org.radmfa.accounting.file.internal;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.radmfa.api.audit.AuditedDecision;

/**
 * Reads back one line {@link JsonLines#lineBytes(org.radmfa.api.DecisionRecord)} wrote, with Jackson's streaming
 * parser.
 */
final class AuditLine {

    /** A line that is not one whole decision: corrupt, cut short, or of another kind of file. */
    static final class UnreadableLineException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableLineException(String message) {
            super(message);
        }
    }

    private AuditLine() {
    }

    /**
     * @param line the line's UTF-8 bytes, without its newline
     * @param source the file's name, kept with the decision
     */
    static AuditedDecision parse(byte[] line, String source) throws UnreadableLineException {
        String correlationId = null;
        String id = null;
        Instant time = null;
        String client = null;
        String user = null;
        String outcome = null;
        String reason = null;
        int npsReasonCode = -1;
        String policy = null;
        long millis = 0;
        String detail = null;
        List<AuditedDecision.Attribute> request = new ArrayList<>();
        List<String> replyAttributes = new ArrayList<>();
        List<String> trace = new ArrayList<>();
        try (JsonParser json = JsonLines.FACTORY.createParser(line)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new UnreadableLineException("not a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "correlationId" -> correlationId = json.getValueAsString();
                    case "id" -> id = json.getValueAsString();
                    case "time" -> time = instant(json.getValueAsString());
                    case "client" -> client = json.getValueAsString();
                    case "user" -> user = json.getValueAsString();
                    case "outcome" -> outcome = json.getValueAsString();
                    case "reason" -> reason = json.getValueAsString();
                    case "npsReasonCode" -> npsReasonCode = json.getValueAsInt(-1);
                    case "policy" -> policy = json.getValueAsString();
                    case "millis" -> millis = json.getValueAsLong(0);
                    case "detail" -> detail = json.getValueAsString();
                    case "request" -> attributes(json, value, request);
                    case "replyAttributes" -> strings(json, value, replyAttributes);
                    case "trace" -> strings(json, value, trace);
                    default -> json.skipChildren();
                }
            }
            if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
                throw new UnreadableLineException("not one JSON object");
            }
        } catch (IOException e) {
            // Jackson's parse errors are IOExceptions; there is no other I/O over a byte array.
            throw new UnreadableLineException(e.getMessage());
        }
        if (outcome == null || reason == null) {
            throw new UnreadableLineException("not a decision: no outcome or reason");
        }
        return new AuditedDecision(correlationId, id, time, client, user, outcome, reason, npsReasonCode, policy, millis,
                detail, request, replyAttributes, trace, source);
    }

    /** Just the time, for telling a file's span; null when the line has none or is unreadable. */
    static Instant timeOf(byte[] line) {
        try (JsonParser json = JsonLines.FACTORY.createParser(line)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                if (field.equals("time")) {
                    return instant(json.getValueAsString());
                }
                json.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static void strings(JsonParser json, JsonToken start, List<String> into) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            json.skipChildren();
            return;
        }
        while (json.nextToken() != JsonToken.END_ARRAY) {
            if (json.currentToken() == null) {
                throw new IOException("the line ends inside an array");
            }
            if (json.currentToken().isStructStart()) {
                json.skipChildren();
            } else {
                into.add(json.getValueAsString());
            }
        }
    }

    /** {"Name": "value", "Repeated": ["a", "b"]}, in order. */
    private static void attributes(JsonParser json, JsonToken start, List<AuditedDecision.Attribute> into)
            throws IOException {
        if (start != JsonToken.START_OBJECT) {
            json.skipChildren();
            return;
        }
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String name = json.currentName();
            JsonToken value = json.nextToken();
            if (value == JsonToken.START_ARRAY) {
                List<String> values = new ArrayList<>();
                strings(json, value, values);
                values.forEach(v -> into.add(new AuditedDecision.Attribute(name, String.valueOf(v))));
            } else if (value != null && value.isStructStart()) {
                json.skipChildren();
            } else {
                into.add(new AuditedDecision.Attribute(name, String.valueOf(json.getValueAsString())));
            }
        }
    }
}
