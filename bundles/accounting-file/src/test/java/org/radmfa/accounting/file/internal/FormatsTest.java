package org.radmfa.accounting.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestAttribute;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class FormatsTest {
    private static final NpsHeader HEADER = new NpsHeader("RADMFA1", ZoneId.of("UTC"));
    /** Where an Azure VPN gateway's request comes from, as the pipeline picks it out for the audit. */
    private static final List<RequestAttribute> ORIGIN = List.of(new RequestAttribute(0, 4, "NAS-IP-Address",
            "10.1.255.4"), new RequestAttribute(0, 31, "Calling-Station-Id", "203.0.113.50"),
            new RequestAttribute(0, 61, "NAS-Port-Type", "Virtual"));

    @Test
    void jsonLineKeepsTheDictionaryValues() {
        assertEquals("{\"id\":\"ac-7\",\"received\":\"2026-11-25T12:00:00Z\",\"client\":\"gw\",\"source\":"
                + "\"10.1.255.4:1646\",\"attributes\":{\"User-Name\":\"alice@corp.example\",\"NAS-IP-Address\":"
                + "\"10.1.255.4\",\"Acct-Status-Type\":\"Start\",\"Acct-Session-Id\":\"s-7\",\"Class\":\"radmfa:3f1c\","
                + "\"NAS-Port-Type\":\"Virtual\"}}\n", RecordFormat.JSON.format(Records.start(7), HEADER));
    }

    @Test
    void jsonDecisionLineSaysWhereTheRequestCameFrom() {
        Decision accept = new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "granted", "Demo VPN users",
                List.of(new ReplyAttribute("Class", "radmfa:c-1"), new ReplyAttribute("Session-Timeout", "3600")),
                List.of("network policy 'Demo VPN users': grant"));
        assertEquals("{\"correlationId\":\"c-1\",\"id\":\"rq-1\",\"time\":\"2026-11-25T12:00:00Z\",\"client\":\"gw\","
                + "\"user\":\"alice\",\"outcome\":\"ACCEPT\",\"reason\":\"ACCEPTED\",\"npsReasonCode\":0,"
                + "\"policy\":\"Demo VPN users\",\"millis\":12,\"request\":{\"NAS-IP-Address\":\"10.1.255.4\","
                + "\"Calling-Station-Id\":\"203.0.113.50\",\"NAS-Port-Type\":\"Virtual\"},\"detail\":\"granted\","
                + "\"replyAttributes\":[\"Class=radmfa:c-1\",\"Session-Timeout\"],"
                + "\"trace\":[\"network policy 'Demo VPN users': grant\"]}\n",
                JsonLines.line(new DecisionRecord("rq-1", Instant.parse("2026-11-25T12:00:00Z"), "gw", "alice", accept,
                        12, "c-1", ORIGIN)));
    }

    /**
     * A writer thread keeps one generator for all its lines: each line is whole and alone, as a line made on a
     * thread of its own, also after a line that failed half-way (here on an attribute without a name).
     */
    @Test
    void consecutiveDecisionLinesOfOneThreadAreEachWhole() throws Exception {
        DecisionRecord accepted = new DecisionRecord("rq-1", Instant.parse("2026-11-25T12:00:00.5Z"), "gw", "alice",
                new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "granted", "VPN", List.of(),
                        List.of("network policy 'VPN': grant")), 3, "c-1", ORIGIN);
        DecisionRecord rejected = new DecisionRecord("rq-2", Instant.parse("2026-11-25T12:00:01Z"), "gw", "bob",
                Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "wrong password", List.of("directory: no")), 1,
                "c-2");
        DecisionRecord broken = new DecisionRecord("rq-3", Instant.parse("2026-11-25T12:00:02Z"), "gw", "carol",
                Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "", List.of()), 1, "c-3",
                List.of(new RequestAttribute(0, 4, null, "10.1.255.4")));
        String[] alone = new String[2];
        Thread thread = new Thread(() -> {
            alone[0] = new String(JsonLines.lineBytes(accepted), StandardCharsets.UTF_8);
            alone[1] = new String(JsonLines.lineBytes(rejected), StandardCharsets.UTF_8);
        });
        thread.start();
        thread.join();
        assertTrue(alone[0].startsWith("{\"correlationId\":\"c-1\"") && alone[0].endsWith("]}\n"), alone[0]);
        assertTrue(alone[1].startsWith("{\"correlationId\":\"c-2\"") && alone[1].endsWith("]}\n"), alone[1]);
        for (int i = 0; i < 3; i++) {
            assertEquals(alone[0], new String(JsonLines.lineBytes(accepted), StandardCharsets.UTF_8));
            assertEquals(alone[1], new String(JsonLines.lineBytes(rejected), StandardCharsets.UTF_8));
            assertThrows(RuntimeException.class, () -> JsonLines.lineBytes(broken));
        }
        assertEquals(alone[1], new String(JsonLines.lineBytes(rejected), StandardCharsets.UTF_8));
    }

    /** Repeated attributes become one array at the name's first place, in a short list and in a long one. */
    @Test
    void jsonGroupsRepeatedAttributesIntoArrays() {
        List<RequestAttribute> few = List.of(new RequestAttribute(0, 25, "Class", "a"),
                new RequestAttribute(0, 4, "NAS-IP-Address", "10.1.255.4"), new RequestAttribute(0, 25, "Class", "b"),
                new RequestAttribute(0, 33, "Proxy-State", "0x01"), new RequestAttribute(0, 25, "Class", "c"));
        String fewJson = "{\"Class\":[\"a\",\"b\",\"c\"],\"NAS-IP-Address\":\"10.1.255.4\",\"Proxy-State\":\"0x01\"}";
        assertTrue(JsonLines.line(new DecisionRecord("rq-1", Instant.parse("2026-11-25T12:00:00Z"), "gw", "alice",
                Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "", List.of()), 1, "c-1", few))
                .contains("\"request\":" + fewJson + ","));
        List<RequestAttribute> many = new java.util.ArrayList<>(few);
        StringBuilder manyJson = new StringBuilder(fewJson.substring(0, fewJson.length() - 1));
        for (int i = 0; i < 10; i++) {
            many.add(new RequestAttribute(26, i, "Vendor-" + i, "v" + i));
            manyJson.append(",\"Vendor-").append(i).append("\":\"v").append(i).append('"');
        }
        many.add(new RequestAttribute(0, 33, "Proxy-State", "0x02"));
        String expected = manyJson.append('}').toString().replace("\"Proxy-State\":\"0x01\"",
                "\"Proxy-State\":[\"0x01\",\"0x02\"]");
        assertEquals("{\"id\":\"ac-1\",\"received\":\"2026-11-25T12:00:00Z\",\"client\":\"gw\",\"source\":"
                + "\"10.0.0.1:1\",\"attributes\":" + expected + "}\n", JsonLines.line(new AccountingRecord("ac-1", "gw",
                new InetSocketAddress("10.0.0.1", 1), many, Instant.parse("2026-11-25T12:00:00Z"))));
    }

    @Test
    void jsonStringsEscapeWhatJsonForbidsAndKeepTheRest() throws Exception {
        String awkward = "q\"b\\n\nr\rt\tc\u0001\u001fend ünïcødé";
        String line = JsonLines.line(new DecisionRecord("rq-1", Instant.parse("2026-11-25T12:00:00Z"), "gw", awkward,
                Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "", List.of()), 1, "c-1"));
        // As the hand-written escaper wrote them (lower-case hex), so that existing files and parsers see no change.
        assertTrue(line.contains("\"user\":\"q\\\"b\\\\n\\nr\\rt\\tc\\u0001\\u001fend ünïcødé\""), line);
        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, "one line");
        assertEquals(awkward, AuditLine.parse(line.strip().getBytes(StandardCharsets.UTF_8), "f").user());
        assertEquals("", AuditLine.parse(line.strip().getBytes(StandardCharsets.UTF_8), "f").detail());
    }

    /**
     * The audit file writes the line's UTF-8 bytes as the generator made them: a character outside the Basic
     * Multilingual Plane (written as its JSON escape pair) and a lone surrogate half read back as they were.
     */
    @Test
    void auditLineBytesReadBackToTheSameText() throws Exception {
        String user = "ü\uD83D\uDE00-\uD800x";
        DecisionRecord record = new DecisionRecord("rq-1", Instant.parse("2026-11-25T12:00:00Z"), "gw", user,
                Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "", List.of()), 1, "c-1");
        byte[] line = JsonLines.lineBytes(record);
        assertEquals('\n', line[line.length - 1]);
        assertEquals(user, AuditLine.parse(java.util.Arrays.copyOf(line, line.length - 1), "f").user());
        assertEquals(new String(line, StandardCharsets.UTF_8), JsonLines.line(record));
    }

    /** The record of the README's example, element by element as NPS writes its DTS compliant log. */
    @Test
    void dtsEventIsOneLineOfNpsXml() throws Exception {
        String event = RecordFormat.DTS.format(Records.start(7), HEADER);
        assertEquals("<Event><Timestamp data_type=\"4\">11/25/2026 12:00:00.000</Timestamp>"
                + "<Computer-Name data_type=\"1\">RADMFA1</Computer-Name><Event-Source data_type=\"1\">IAS</Event-Source>"
                + "<User-Name data_type=\"1\">alice@corp.example</User-Name>"
                + "<NAS-IP-Address data_type=\"3\">10.1.255.4</NAS-IP-Address>"
                + "<Acct-Status-Type data_type=\"0\">1</Acct-Status-Type>"
                + "<Acct-Session-Id data_type=\"1\">s-7</Acct-Session-Id>"
                + "<Class data_type=\"1\">radmfa:3f1c</Class>"
                + "<NAS-Port-Type data_type=\"0\">5</NAS-Port-Type>"
                + "<Client-IP-Address data_type=\"3\">10.1.255.4</Client-IP-Address>"
                + "<Client-Vendor data_type=\"0\">0</Client-Vendor>"
                + "<Client-Friendly-Name data_type=\"1\">gw</Client-Friendly-Name>"
                + "<Packet-Type data_type=\"0\">4</Packet-Type><Reason-Code data_type=\"0\">0</Reason-Code></Event>\n",
                event);
        Element root = parse(event);
        assertEquals("Event", root.getTagName());
        assertEquals("s-7", root.getElementsByTagName("Acct-Session-Id").item(0).getTextContent());
    }

    @Test
    void dtsEscapesMarkupAndCarriesControlCharactersAsOctets() throws Exception {
        AccountingRecord hostile = new AccountingRecord("ac-1", "gw <&> \"x\"", new InetSocketAddress("10.0.0.1", 1),
                List.of(new RequestAttribute(0, 1, "User-Name", "</User-Name><Evil>"),
                        new RequestAttribute(0, 44, "Acct-Session-Id", "a\u0001b"),
                        new RequestAttribute(0, 18, "Reply-Message", "line1\nline2"),
                        new RequestAttribute(311, 99, "Vendor-311-Attr-99", "0x0a0B"),
                        new RequestAttribute(0, 200, "Attr-200", "7")),
                Instant.parse("2026-11-25T12:00:00Z"));
        String event = RecordFormat.DTS.format(hostile, HEADER);
        assertEquals(1, event.split("\n", -1).length - 1, "one record, one line: " + event);
        Element root = parse(event);
        assertEquals("</User-Name><Evil>", text(root, "User-Name"));
        assertEquals("gw <&> \"x\"", text(root, "Client-Friendly-Name"));
        assertEquals("line1\nline2", text(root, "Reply-Message"));
        Element session = (Element) root.getElementsByTagName("Acct-Session-Id").item(0);
        assertEquals("2", session.getAttribute("data_type"));
        assertEquals("610162", session.getTextContent());
        assertEquals("0A0B", text(root, "Vendor-311-Attr-99"));
        assertEquals(0, root.getElementsByTagName("Evil").getLength());
    }

    @Test
    void dtsDecisionsAreNpsAnswersWithTheirReasonCodes() throws Exception {
        Decision accept = new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "granted", "Demo VPN users",
                List.of(new ReplyAttribute("Class", "radmfa:c-1")), List.of());
        String event = DtsFormat.decision(new DecisionRecord("rq-1", Instant.parse("2026-11-25T12:00:00.250Z"), "gw",
                "alice", accept, 12, "c-1", ORIGIN), HEADER);
        assertEquals("<Event><Timestamp data_type=\"4\">11/25/2026 12:00:00.250</Timestamp>"
                + "<Computer-Name data_type=\"1\">RADMFA1</Computer-Name><Event-Source data_type=\"1\">IAS</Event-Source>"
                + "<User-Name data_type=\"1\">alice</User-Name>"
                + "<NAS-IP-Address data_type=\"3\">10.1.255.4</NAS-IP-Address>"
                + "<Calling-Station-Id data_type=\"1\">203.0.113.50</Calling-Station-Id>"
                + "<NAS-Port-Type data_type=\"0\">5</NAS-Port-Type>"
                + "<Client-Friendly-Name data_type=\"1\">gw</Client-Friendly-Name>"
                + "<NP-Policy-Name data_type=\"1\">Demo VPN users</NP-Policy-Name><Class data_type=\"1\">radmfa:c-1</Class>"
                + "<Packet-Type data_type=\"0\">2</Packet-Type><Reason-Code data_type=\"0\">0</Reason-Code>"
                + "<radmfa-Reason data_type=\"1\">ACCEPTED</radmfa-Reason></Event>\n", event);
        parse(event);
        Decision wrongPassword = Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "wrong", List.of());
        Decision denied = new Decision(Decision.Outcome.REJECT, ReasonCode.MFA_DENIED, "denied", "P", List.of(),
                List.of());
        Decision challenge = new Decision(Decision.Outcome.CHALLENGE, ReasonCode.MFA_CHALLENGE, "code?", "P",
                List.of(), List.of());
        Element reject = parse(DtsFormat.decision(new DecisionRecord("rq-2", Instant.now(), "gw", "bob\u0007",
                wrongPassword, 1, "c-2"), HEADER));
        assertEquals("3", text(reject, "Packet-Type"));
        assertEquals("16", text(reject, "Reason-Code"));
        assertEquals("bob\uFFFD", text(reject, "User-Name"));
        assertEquals(0, reject.getElementsByTagName("NP-Policy-Name").getLength());
        assertEquals("21", text(parse(DtsFormat.decision(new DecisionRecord("rq-3", Instant.now(), "gw", "c", denied,
                1, "c-3"), HEADER)), "Reason-Code"), "NPS's reason for a reject by its MFA extension");
        Element challenged = parse(DtsFormat.decision(new DecisionRecord("rq-4", Instant.now(), "gw", "c", challenge,
                1, "c-4"), HEADER));
        assertEquals("11", text(challenged, "Packet-Type"));
        assertEquals("0", text(challenged, "Reason-Code"));
    }

    /** The header and pairs of Microsoft's "Interpret IAS Format Log Files", for the same record. */
    @Test
    void iasLineHasTheNpsHeaderThenNumberValuePairs() {
        assertEquals("10.1.255.4,alice@corp.example,11/25/2026,12:00:00,IAS,RADMFA1,40,1,44,s-7,25,radmfa:3f1c,61,5,"
                + "4108,10.1.255.4,4116,0,4128,gw,4136,4,4142,0\n", RecordFormat.IAS.format(Records.start(7), HEADER));
    }

    @Test
    void iasHexEncodesDelimitersAndVendorAttributes() {
        AccountingRecord record = new AccountingRecord("ac-1", "gw, east", new InetSocketAddress("10.0.0.9", 1),
                List.of(new RequestAttribute(0, 1, "User-Name", "a,b"),
                        new RequestAttribute(0, 44, "Acct-Session-Id", "x\ny"),
                        new RequestAttribute(311, 1, "MS-RAS-Vendor", "311")),
                Instant.parse("2026-01-02T03:04:05Z"));
        String line = RecordFormat.IAS.format(record, new NpsHeader("RADMFA1", ZoneId.of("Europe/Berlin")));
        // No NAS-IP-Address attribute: the header has the datagram's source. Berlin is UTC+1 in January.
        assertEquals("10.0.0.9,0x612C62,01/02/2026,04:04:05,IAS,RADMFA1,44,0x780A79,26,0x000001370106"
                + "00000137,4108,10.0.0.9,4116,0,4128,0x67772C2065617374,4136,4,4142,0\n", line);
        assertFalse(line.substring(0, line.length() - 1).contains("\n"));
    }

    private static Element parse(String event) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
    }

    private static String text(Element root, String name) {
        NodeList nodes = root.getElementsByTagName(name);
        assertEquals(1, nodes.getLength(), name);
        return nodes.item(0).getTextContent();
    }
}
