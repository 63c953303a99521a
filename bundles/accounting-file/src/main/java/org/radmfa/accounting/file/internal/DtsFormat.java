package org.radmfa.accounting.file.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.RequestAttribute;

/**
 * NPS's "DTS compliant" XML: one {@code <Event>} element per record, on one line, no root element (as NPS writes
 * its INyymmdd.log files). Each element carries its {@code data_type} (see {@link NpsValues}). What each element
 * comes from:
 * <ul>
 * <li>{@code Timestamp} (4): when the request arrived, {@code MM/dd/yyyy HH:mm:ss.SSS} in the sink's time zone</li>
 * <li>{@code Computer-Name} (1): the appliance's host name or {@code computerName}; {@code Event-Source} (1):
 * {@code IAS}, as NPS writes</li>
 * <li>every attribute of the Accounting-Request, in the NAS's order, named as in the dictionary (User-Name,
 * NAS-IP-Address, Acct-Status-Type as its number, Acct-Session-Id, Class, ..., vendor attributes by their names)</li>
 * <li>{@code Client-IP-Address} (3): the datagram's source; {@code Client-Vendor} (0): 0 (RADIUS Standard);
 * {@code Client-Friendly-Name} (1): the registered client's name</li>
 * <li>{@code Packet-Type} (0): 4, Accounting-Request; {@code Reason-Code} (0): 0, the record was stored</li>
 * </ul>
 */
final class DtsFormat {
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss.SSS", Locale.ROOT);
    static final int ACCOUNTING_REQUEST = 4;

    private DtsFormat() {
    }

    static String event(AccountingRecord record, NpsHeader header) {
        StringBuilder out = new StringBuilder(1024).append("<Event>");
        element(out, "Timestamp", NpsValues.TIME, TIMESTAMP.format(record.received().atZone(header.zone())));
        element(out, "Computer-Name", NpsValues.TEXT, header.computerName());
        element(out, "Event-Source", NpsValues.TEXT, "IAS");
        attributes(out, record.attributes());
        InetAddress client = record.source().getAddress();
        element(out, "Client-IP-Address", client instanceof Inet4Address ? NpsValues.ADDRESS : NpsValues.TEXT,
                client.getHostAddress());
        element(out, "Client-Vendor", NpsValues.NUMBER, "0");
        element(out, "Client-Friendly-Name", NpsValues.TEXT, record.clientName());
        element(out, "Packet-Type", NpsValues.NUMBER, String.valueOf(ACCOUNTING_REQUEST));
        element(out, "Reason-Code", NpsValues.NUMBER, "0");
        return out.append("</Event>\n").toString();
    }

    /**
     * One authentication decision for the audit trail, as NPS logs its answers: {@code Timestamp}, {@code
     * Computer-Name}, {@code Event-Source}, {@code User-Name}, the request's origin attributes (NAS-IP-Address,
     * Calling-Station-Id, ...), {@code Client-Friendly-Name}, {@code NP-Policy-Name}
     * (when a network policy decided), {@code Class} ({@code radmfa:<correlation id>}, what an accept carries),
     * {@code Packet-Type} (2 Access-Accept, 3 Access-Reject, 11 Access-Challenge), {@code Reason-Code} (see
     * {@link #npsReasonCode}) and, the appliance's own, {@code radmfa-Reason} (the reason's name).
     */
    static String decision(DecisionRecord record, NpsHeader header) {
        Decision decision = record.decision();
        StringBuilder out = new StringBuilder(512).append("<Event>");
        element(out, "Timestamp", NpsValues.TIME, TIMESTAMP.format(record.time().atZone(header.zone())));
        element(out, "Computer-Name", NpsValues.TEXT, header.computerName());
        element(out, "Event-Source", NpsValues.TEXT, "IAS");
        element(out, "User-Name", NpsValues.TEXT, xmlText(String.valueOf(record.userName())));
        attributes(out, record.origin());
        element(out, "Client-Friendly-Name", NpsValues.TEXT, xmlText(String.valueOf(record.client())));
        if (decision.policyName() != null) {
            element(out, "NP-Policy-Name", NpsValues.TEXT, xmlText(decision.policyName()));
        }
        element(out, "Class", NpsValues.TEXT, "radmfa:" + record.correlationId());
        element(out, "Packet-Type", NpsValues.NUMBER, switch (decision.outcome()) {
            case ACCEPT -> "2";
            case REJECT -> "3";
            case CHALLENGE -> "11";
        });
        element(out, "Reason-Code", NpsValues.NUMBER, String.valueOf(npsReasonCode(decision)));
        element(out, "radmfa-Reason", NpsValues.TEXT, decision.reason().name());
        return out.append("</Event>\n").toString();
    }

    /**
     * NPS's number for the reason; where NPS has none: 0 for a challenge, 21 ("an NPS extension rejected the
     * request", as NPS logs its MFA extension's rejects) for the second factor's, 1 (internal error) for the rest.
     */
    /** Request attributes as NPS writes them: named as in the dictionary, each with its NPS data type. */
    private static void attributes(StringBuilder out, List<RequestAttribute> attributes) {
        for (RequestAttribute attribute : attributes) {
            NpsValues.Typed typed = NpsValues.typed(attribute);
            if (typed.dataType() == NpsValues.TEXT && !xmlSafe(typed.text())) {
                // XML 1.0 cannot carry most control characters, not even escaped: such text goes as octets.
                typed = new NpsValues.Typed(NpsValues.OCTETS, java.util.HexFormat.of().withUpperCase()
                        .formatHex(typed.text().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            element(out, elementName(attribute.name()), typed.dataType(), typed.text());
        }
    }

    static int npsReasonCode(Decision decision) {
        ReasonCode reason = decision.reason();
        if (reason.npsCode() >= 0) {
            return reason.npsCode();
        }
        if (decision.outcome() == Decision.Outcome.CHALLENGE) {
            return 0;
        }
        return reason.name().startsWith("MFA_") ? 21 : 1;
    }

    /** Text XML 1.0 can carry; control characters become U+FFFD. */
    private static String xmlText(String text) {
        return xmlSafe(text) ? text : text.replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]", "\uFFFD");
    }

    private static void element(StringBuilder out, String name, int dataType, String value) {
        out.append('<').append(name).append(" data_type=\"").append(dataType).append("\">");
        escape(out, value);
        out.append("</").append(name).append('>');
    }

    /** Dictionary names are XML names already; anything else is made one. */
    static String elementName(String name) {
        StringBuilder out = new StringBuilder(name.length() + 1);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
            boolean other = c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.';
            out.append(letter || other ? c : '_');
        }
        if (out.isEmpty() || !(Character.isLetter(out.charAt(0)) || out.charAt(0) == '_')
                || out.toString().toLowerCase(Locale.ROOT).startsWith("xml")) {
            out.insert(0, '_');
        }
        return out.toString();
    }

    private static boolean xmlSafe(String text) {
        return text.chars().allMatch(c -> c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
    }

    private static void escape(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                // One record, one line: line breaks inside values are written as references.
                case '\n' -> out.append("&#10;");
                case '\r' -> out.append("&#13;");
                case '\t' -> out.append("&#9;");
                default -> out.append(c);
            }
        }
    }
}
