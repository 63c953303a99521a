package org.radmfa.accounting.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonWriteFeature;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestAttribute;

/** The hand-written lines are exactly what Jackson's generator writes: the files did not change when it went. */
class JsonLinesTest {
    /** Jackson as the lines were written with it: lower-case hex in the escapes. */
    private static final JsonFactory JACKSON =
            JsonFactory.builder().disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE).build();

    @Test
    void everyCharacterIsEscapedAsJacksonEscapesIt() throws IOException {
        for (char c = 0; c < 0x3000; c++) {
            String value = "a" + c + "b";
            StringBuilder ours = new StringBuilder();
            JsonLines.string(ours, value);
            assertEquals(jackson(value), ours.toString(), "U+" + Integer.toHexString(c));
        }
        String surrogates = "\uD83D\uDD10 key";
        StringBuilder ours = new StringBuilder();
        JsonLines.string(ours, surrogates);
        assertEquals(jackson(surrogates), ours.toString());
    }

    @Test
    void aDecisionLineIsTheOneJacksonWritesAgainFromIt() throws IOException {
        String awkward = "q\"b\\n\nr\rt\tc\u0001\u001f\b\fend ünïcødé \uD83D\uDD10";
        Decision decision = new Decision(Decision.Outcome.REJECT, ReasonCode.AUTHENTICATION_FAILED, awkward, null,
                List.of(new ReplyAttribute("Class", "radmfa:c-1"), new ReplyAttribute("Reply-Message", awkward)),
                List.of(awkward, "network policy 'x': deny"));
        List<RequestAttribute> origin = List.of(new RequestAttribute(0, 4, "NAS-IP-Address", "10.1.255.4"),
                new RequestAttribute(0, 31, "Calling-Station-Id", awkward),
                new RequestAttribute(0, 31, "Calling-Station-Id", "second"));
        String line = JsonLines.line(new DecisionRecord("rq-1", Instant.parse("2026-11-25T12:00:00Z"), "gw", awkward,
                decision, 7, "c-1", origin));
        assertEquals(rewrittenByJackson(line), line);
    }

    @Test
    void anAccountingLineIsTheOneJacksonWritesAgainFromIt() throws IOException {
        AccountingRecord record = new AccountingRecord("ac-1", "gw", new InetSocketAddress("10.1.255.4", 1646),
                List.of(new RequestAttribute(0, 1, "User-Name", "a\"lice\u0007"),
                        new RequestAttribute(0, 25, "Class", "x"), new RequestAttribute(0, 25, "Class", "y")),
                Instant.parse("2026-11-25T12:00:00Z"));
        String line = JsonLines.line(record);
        assertEquals(rewrittenByJackson(line), line);
    }

    private static String jackson(String value) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JACKSON.createGenerator(out)) {
            json.writeString(value);
        }
        return out.toString();
    }

    /** Parses the line and writes what it read with Jackson's generator: equal only if escapes and layout are. */
    private static String rewrittenByJackson(String line) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonParser parser = JACKSON.createParser(line); JsonGenerator json = JACKSON.createGenerator(out)) {
            parser.nextToken();
            json.copyCurrentStructure(parser);
        }
        return out + "\n";
    }
}
