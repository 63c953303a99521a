package org.radmfa.npsimport.internal;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A vendor-specific attribute as NPS keeps it in {@code msRADIUSAnyVSA}: hexadecimal digits naming the vendor
 * (4 bytes) and the vendor's attribute type and length (1 byte each, RFC 2865 section 5.26), preceded by a
 * one-byte value format, followed by the value: as text for string attributes, as hex digits otherwise. Exports
 * without the format byte exist too; both are read.
 *
 * @param vendorId the IANA enterprise number
 * @param type the vendor's attribute number
 * @param value the value as a reply setting takes it: text, or {@code 0x}-prefixed hex
 */
record VendorSpecificAttribute(long vendorId, int type, String value) {

    /** The reply setting key the appliance reads: {@code reply.Vendor-<id>-Attr-<type>}. */
    String replyKey() {
        return "reply.Vendor-" + vendorId + "-Attr-" + type;
    }

    /** @throws IllegalArgumentException saying why the value cannot be read */
    static VendorSpecificAttribute parse(String text) {
        String compact = text.strip();
        VendorSpecificAttribute withFormat = attempt(compact, 2);
        if (withFormat != null) {
            return withFormat;
        }
        VendorSpecificAttribute bare = attempt(compact, 0);
        if (bare != null) {
            return bare;
        }
        throw new IllegalArgumentException("'" + abbreviated(compact) + "' is not a vendor id, type and length"
                + " followed by a value of that length");
    }

    private static VendorSpecificAttribute attempt(String text, int headerDigits) {
        int valueStart = headerDigits + 12;
        if (text.length() < valueStart || !isHex(text.substring(0, valueStart))) {
            return null;
        }
        long vendor = Long.parseLong(text.substring(headerDigits, headerDigits + 8), 16);
        int type = Integer.parseInt(text.substring(headerDigits + 8, headerDigits + 10), 16);
        int length = Integer.parseInt(text.substring(headerDigits + 10, headerDigits + 12), 16);
        String value = text.substring(valueStart);
        int valueOctets = length - 2;
        if (vendor == 0 || valueOctets < 0) {
            return null;
        }
        if (value.length() == 2 * valueOctets && isHex(value) && valueOctets > 0) {
            byte[] octets = HexFormat.of().parseHex(value);
            String printable = new String(octets, StandardCharsets.US_ASCII);
            boolean text1 = printable.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
            return new VendorSpecificAttribute(vendor, type, text1 && headerDigits == 2
                    && text.startsWith("01") ? printable : "0x" + value.toLowerCase(Locale.ROOT));
        }
        if (value.length() == valueOctets) {
            return new VendorSpecificAttribute(vendor, type, value);
        }
        return null;
    }

    private static boolean isHex(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
