package org.radmfa.accounting.file.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.RequestAttribute;

/**
 * The legacy IAS format: one comma-separated line per record. A header of six fields, then attribute-number,value
 * pairs in the NAS's order:
 * <ol>
 * <li>NAS-IP-Address (the attribute, else the datagram's source), User-Name (empty if absent), date
 * {@code MM/dd/yyyy} and time {@code HH:mm:ss} in the sink's time zone, service name {@code IAS}, computer name</li>
 * <li>each standard attribute as {@code <type>,<value>}; enumerations as numbers; text holding a comma, a control
 * or non-ASCII character as {@code 0x<hex>} (as NPS does); User-Name and NAS-IP-Address are in the header instead</li>
 * <li>each vendor-specific attribute as {@code 26,0x<hex>}: the RFC 2865 encoding (vendor id, vendor type, length,
 * value; numbers as 32 bits, text as UTF-8)</li>
 * <li>NPS's own attributes: 4108 Client-IP-Address, 4116 Client-Vendor (0), 4128 Client-Friendly-Name, 4136
 * Packet-Type (4, Accounting-Request), 4142 Reason-Code (0)</li>
 * </ol>
 */
final class IasFormat {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MM/dd/yyyy", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final int USER_NAME = 1;
    private static final int NAS_IP_ADDRESS = 4;
    private static final int VENDOR_SPECIFIC = 26;

    private IasFormat() {
    }

    static String line(AccountingRecord record, NpsHeader header) {
        ZonedDateTime time = record.received().atZone(header.zone());
        String nasIp = record.attributes().stream()
                .filter(a -> a.vendorId() == 0 && a.type() == NAS_IP_ADDRESS).map(RequestAttribute::value)
                .findFirst().orElse(record.source().getAddress().getHostAddress());
        String user = record.attributes().stream().filter(a -> a.vendorId() == 0 && a.type() == USER_NAME)
                .map(RequestAttribute::value).findFirst().orElse("");
        StringBuilder out = new StringBuilder(512);
        out.append(text(nasIp)).append(',').append(text(user)).append(',').append(DATE.format(time)).append(',')
                .append(TIME.format(time)).append(",IAS,").append(text(header.computerName()));
        for (RequestAttribute attribute : record.attributes()) {
            if (attribute.vendorId() == 0 && (attribute.type() == USER_NAME || attribute.type() == NAS_IP_ADDRESS)) {
                continue;
            }
            NpsValues.Typed typed = NpsValues.typed(attribute);
            if (attribute.vendorId() != 0) {
                out.append(',').append(VENDOR_SPECIFIC).append(",0x").append(HexFormat.of().withUpperCase()
                        .formatHex(vendorSpecific(attribute, typed)));
            } else {
                out.append(',').append(attribute.type()).append(',').append(value(typed));
            }
        }
        out.append(",4108,").append(record.source().getAddress().getHostAddress());
        out.append(",4116,0");
        out.append(",4128,").append(text(record.clientName()));
        out.append(",4136,").append(DtsFormat.ACCOUNTING_REQUEST);
        out.append(",4142,0");
        return out.append('\n').toString();
    }

    private static String value(NpsValues.Typed typed) {
        return switch (typed.dataType()) {
            case NpsValues.OCTETS -> "0x" + typed.text();
            case NpsValues.TEXT -> text(typed.text());
            default -> typed.text();
        };
    }

    /** Text as is, unless a comma, a control or non-ASCII character would break the line: then hex. */
    static String text(String value) {
        boolean plain = value.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != ',');
        return plain ? value : "0x" + HexFormat.of().withUpperCase().formatHex(value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] vendorSpecific(RequestAttribute attribute, NpsValues.Typed typed) {
        byte[] value;
        if (typed.dataType() == NpsValues.NUMBER && Long.parseLong(typed.text()) <= 0xFFFFFFFFL) {
            value = ByteBuffer.allocate(4).putInt((int) Long.parseLong(typed.text())).array();
        } else if (typed.dataType() == NpsValues.OCTETS) {
            value = NpsValues.octets(typed);
        } else {
            value = typed.text().getBytes(StandardCharsets.UTF_8);
        }
        int length = Math.min(value.length, 247);
        ByteArrayOutputStream out = new ByteArrayOutputStream(6 + length);
        out.writeBytes(ByteBuffer.allocate(4).putInt(attribute.vendorId()).array());
        out.write(attribute.type());
        out.write(2 + length);
        out.write(value, 0, length);
        return out.toByteArray();
    }
}
