package org.radmfa.accounting.file.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.audit.AuditedDecision;

/**
 * One record as one line of JSON, for log shippers and for {@link AuditTrail}, written with Jackson's streaming
 * generator. Attributes that repeat become arrays.
 */
final class JsonLines {

    /**
     * Thread-safe once configured. Lower-case hex in {@code \}{@code u00xx} escapes, as the lines were written before
     * Jackson: the files stay byte for byte what they were for every value but a backspace or form feed (now
     * {@code \b}, {@code \f}: the same JSON string).
     */
    static final JsonFactory FACTORY = JsonFactory.builder().disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE).build();

    private JsonLines() {
    }

    /**
     * One decision as one line: what was decided, why, by which policy, how long it took, and the trace. Reply
     * attributes by name only, except Class (the correlation): their values may be keys (MS-MPPE-*).
     */
    static String line(DecisionRecord record) {
        return new String(lineBytes(record), StandardCharsets.UTF_8);
    }

    /**
     * {@link #line(DecisionRecord)} as UTF-8, what the audit file writes for every decision: generated as bytes, it
     * takes one copy on the way instead of four (a StringWriter, its String, the line with its newline, the bytes).
     */
    static byte[] lineBytes(DecisionRecord record) {
        Decision decision = record.decision();
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("correlationId", String.valueOf(record.correlationId()));
            json.writeStringField("id", record.id());
            json.writeStringField("time", record.time().toString());
            json.writeStringField("client", record.client());
            json.writeStringField("user", record.userName());
            json.writeStringField("outcome", decision.outcome().name());
            json.writeStringField("reason", decision.reason().name());
            json.writeNumberField("npsReasonCode", decision.reason().npsCode());
            json.writeStringField("policy", decision.policyName());
            json.writeNumberField("millis", record.millis());
            if (!record.origin().isEmpty()) {
                json.writeFieldName("request");
                attributes(json, record.origin());
            }
            json.writeStringField("detail", String.valueOf(decision.detail()));
            json.writeArrayFieldStart("replyAttributes");
            for (var attribute : decision.replyAttributes()) {
                json.writeString(AuditedDecision.withoutValue(attribute));
            }
            json.writeEndArray();
            json.writeArrayFieldStart("trace");
            for (String step : decision.trace()) {
                json.writeString(step);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array cannot fail", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    static String line(AccountingRecord record) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("id", record.id());
            json.writeStringField("received", record.received().toString());
            json.writeStringField("client", record.clientName());
            json.writeStringField("source", record.source().getAddress().getHostAddress() + ":"
                    + record.source().getPort());
            json.writeFieldName("attributes");
            attributes(json, record.attributes());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter cannot fail", e);
        }
        return out.append('\n').toString();
    }

    /** Attributes as one JSON object, by name; an attribute that repeats becomes an array. */
    private static void attributes(JsonGenerator json, List<RequestAttribute> attributes) throws IOException {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (RequestAttribute attribute : attributes) {
            grouped.computeIfAbsent(attribute.name(), name -> new ArrayList<>()).add(attribute.value());
        }
        json.writeStartObject();
        for (Map.Entry<String, List<String>> entry : grouped.entrySet()) {
            json.writeFieldName(entry.getKey());
            if (entry.getValue().size() == 1) {
                json.writeString(entry.getValue().get(0));
            } else {
                json.writeStartArray();
                for (String value : entry.getValue()) {
                    json.writeString(value);
                }
                json.writeEndArray();
            }
        }
        json.writeEndObject();
    }
}
