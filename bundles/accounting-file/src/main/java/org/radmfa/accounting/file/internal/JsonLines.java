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
import com.fasterxml.jackson.core.io.SerializedString;
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

    /** The decision line's field names, quoted and encoded once instead of for every line. */
    private static final SerializedString CORRELATION_ID = new SerializedString("correlationId");
    private static final SerializedString ID = new SerializedString("id");
    private static final SerializedString TIME = new SerializedString("time");
    private static final SerializedString CLIENT = new SerializedString("client");
    private static final SerializedString USER = new SerializedString("user");
    private static final SerializedString OUTCOME = new SerializedString("outcome");
    private static final SerializedString REASON = new SerializedString("reason");
    private static final SerializedString NPS_REASON_CODE = new SerializedString("npsReasonCode");
    private static final SerializedString POLICY = new SerializedString("policy");
    private static final SerializedString MILLIS = new SerializedString("millis");
    private static final SerializedString REQUEST = new SerializedString("request");
    private static final SerializedString DETAIL = new SerializedString("detail");
    private static final SerializedString REPLY_ATTRIBUTES = new SerializedString("replyAttributes");
    private static final SerializedString TRACE = new SerializedString("trace");
    /** Attributes up to this many are grouped by name without a map: a request's origin is a handful. */
    private static final int GROUPED_WITHOUT_MAP = 8;
    private static final IsoInstants INSTANTS = new IsoInstants();
    private static final ThreadLocal<DecisionLines> DECISION_LINES = ThreadLocal.withInitial(DecisionLines::new);

    /** A thread's generator for decision lines, writing into its buffer; made again after a line that failed. */
    private static final class DecisionLines {
        final ByteArrayBuilder out = new ByteArrayBuilder(2048);
        JsonGenerator json;
    }

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
     * Each thread (an audit file's writer) keeps one generator and one buffer for all its lines: making them per line
     * was a fifth of the line's cost.
     */
    static byte[] lineBytes(DecisionRecord record) {
        DecisionLines lines = DECISION_LINES.get();
        ByteArrayBuilder out = lines.out;
        try {
            if (lines.json == null) {
                lines.json = FACTORY.createGenerator(out, JsonEncoding.UTF8);
                // One line per decision, each a root value: nothing between them but the newline written here.
                lines.json.setRootValueSeparator(null);
            }
            writeDecision(lines.json, record);
            lines.json.flush();
            out.write('\n');
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            // A line cut short leaves the generator inside it: the next line starts with a new one.
            lines.json = null;
            if (e instanceof IOException io) {
                throw new UncheckedIOException("a byte array cannot fail", io);
            }
            throw (RuntimeException) e;
        } finally {
            out.reset();
        }
    }

    private static void writeDecision(JsonGenerator json, DecisionRecord record) throws IOException {
        Decision decision = record.decision();
        json.writeStartObject();
        json.writeFieldName(CORRELATION_ID);
        json.writeString(String.valueOf(record.correlationId()));
        json.writeFieldName(ID);
        json.writeString(record.id());
        json.writeFieldName(TIME);
        INSTANTS.write(json, record.time());
        json.writeFieldName(CLIENT);
        json.writeString(record.client());
        json.writeFieldName(USER);
        json.writeString(record.userName());
        json.writeFieldName(OUTCOME);
        json.writeString(decision.outcome().name());
        json.writeFieldName(REASON);
        json.writeString(decision.reason().name());
        json.writeFieldName(NPS_REASON_CODE);
        json.writeNumber(decision.reason().npsCode());
        json.writeFieldName(POLICY);
        json.writeString(decision.policyName());
        json.writeFieldName(MILLIS);
        json.writeNumber(record.millis());
        if (!record.origin().isEmpty()) {
            json.writeFieldName(REQUEST);
            attributes(json, record.origin());
        }
        json.writeFieldName(DETAIL);
        json.writeString(String.valueOf(decision.detail()));
        json.writeFieldName(REPLY_ATTRIBUTES);
        json.writeStartArray();
        for (var attribute : decision.replyAttributes()) {
            json.writeString(AuditedDecision.withoutValue(attribute));
        }
        json.writeEndArray();
        json.writeFieldName(TRACE);
        json.writeStartArray();
        for (String step : decision.trace()) {
            json.writeString(step);
        }
        json.writeEndArray();
        json.writeEndObject();
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
        if (attributes.size() <= GROUPED_WITHOUT_MAP) {
            fewAttributes(json, attributes);
            return;
        }
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

    /** {@link #attributes} for a few: each name at its first occurrence, with the values of the later ones. */
    private static void fewAttributes(JsonGenerator json, List<RequestAttribute> attributes) throws IOException {
        json.writeStartObject();
        int size = attributes.size();
        for (int i = 0; i < size; i++) {
            String name = attributes.get(i).name();
            if (occursBefore(attributes, i, name)) {
                continue;
            }
            int later = i + 1;
            while (later < size && !attributes.get(later).name().equals(name)) {
                later++;
            }
            json.writeFieldName(name);
            if (later == size) {
                json.writeString(attributes.get(i).value());
                continue;
            }
            json.writeStartArray();
            for (int j = i; j < size; j++) {
                if (attributes.get(j).name().equals(name)) {
                    json.writeString(attributes.get(j).value());
                }
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    private static boolean occursBefore(List<RequestAttribute> attributes, int index, String name) {
        for (int i = 0; i < index; i++) {
            if (attributes.get(i).name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
