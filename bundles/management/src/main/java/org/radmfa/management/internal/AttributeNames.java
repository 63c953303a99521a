package org.radmfa.management.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/** Names and readable values of the reply attributes test-auth prints; the rest shows as numbers and hex. */
public final class AttributeNames {
    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(1, "User-Name"),
            Map.entry(6, "Service-Type"), Map.entry(7, "Framed-Protocol"), Map.entry(8, "Framed-IP-Address"),
            Map.entry(9, "Framed-IP-Netmask"), Map.entry(11, "Filter-Id"), Map.entry(12, "Framed-MTU"),
            Map.entry(18, "Reply-Message"), Map.entry(22, "Framed-Route"), Map.entry(24, "State"),
            Map.entry(25, "Class"), Map.entry(27, "Session-Timeout"), Map.entry(28, "Idle-Timeout"),
            Map.entry(79, "EAP-Message"), Map.entry(80, "Message-Authenticator"), Map.entry(85, "Acct-Interim-Interval"),
            Map.entry(88, "Framed-Pool"));
    private static final Set<Integer> TEXT = Set.of(1, 11, 18, 22, 25, 88);
    private static final Set<Integer> INTEGER = Set.of(6, 7, 12, 27, 28, 85);
    private static final Set<Integer> ADDRESS = Set.of(8, 9);
    private static final Map<Integer, String> VENDORS = Map.of(311, "Microsoft", 9, "Cisco", 12356, "Fortinet",
            25461, "PaloAlto");

    private AttributeNames() {
    }

    public static String describe(RadiusProbe.Attribute attribute) {
        byte[] value = attribute.value();
        if (attribute.vendorId() != 0) {
            String vendor = VENDORS.getOrDefault(attribute.vendorId(), "Vendor-" + attribute.vendorId());
            // Microsoft's MPPE keys are secrets: never printed.
            if (attribute.vendorId() == 311 && (attribute.vendorType() == 16 || attribute.vendorType() == 17)) {
                return vendor + "-Attr-" + attribute.vendorType() + " = (key, " + value.length + " octets)";
            }
            return vendor + "-Attr-" + attribute.vendorType() + " = " + readable(value);
        }
        int type = attribute.type();
        String name = NAMES.getOrDefault(type, "Attr-" + type);
        String text;
        if (TEXT.contains(type)) {
            text = new String(value, StandardCharsets.UTF_8);
        } else if (INTEGER.contains(type) && value.length == 4) {
            text = String.valueOf(((value[0] & 0xFFL) << 24) | ((value[1] & 0xFF) << 16) | ((value[2] & 0xFF) << 8)
                    | (value[3] & 0xFF));
        } else if (ADDRESS.contains(type) && value.length == 4) {
            try {
                text = InetAddress.getByAddress(value).getHostAddress();
            } catch (UnknownHostException e) {
                text = "0x" + HexFormat.of().formatHex(value);
            }
        } else {
            text = "0x" + HexFormat.of().formatHex(value);
        }
        return name + " = " + text;
    }

    private static String readable(byte[] value) {
        for (byte b : value) {
            if (b < 0x20 || b > 0x7E) {
                return "0x" + HexFormat.of().formatHex(value);
            }
        }
        return new String(value, StandardCharsets.US_ASCII);
    }
}
