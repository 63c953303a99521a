package org.radmfa.accounting.file.internal;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.radmfa.api.RequestAttribute;

/**
 * Attribute values as NPS logs them: enumerations as their numbers (the transport hands over the dictionary's names,
 * "Start" for Acct-Status-Type 1), and each value with its DTS {@code data_type}: 0 number, 1 text, 2 octets in hex,
 * 3 IPv4 address, 4 time. The numbers are those of RFC 2865, 2866 and 2868.
 */
final class NpsValues {
    static final int NUMBER = 0;
    static final int TEXT = 1;
    static final int OCTETS = 2;
    static final int ADDRESS = 3;
    static final int TIME = 4;

    /** A value ready for a log: its DTS data type and its text (hex digits for octets). */
    record Typed(int dataType, String text) {
    }

    /** Standard attributes whose values are numbers. */
    private static final Set<Integer> NUMBERS = Set.of(5, 6, 7, 10, 12, 13, 15, 16, 27, 28, 29, 37, 38, 40, 41, 42,
            43, 45, 46, 47, 48, 49, 51, 52, 53, 55, 61, 62, 64, 65, 85);
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** Standard attributes whose values are IPv4 addresses. */
    private static final Set<Integer> ADDRESSES = Set.of(4, 8, 9, 14);

    private static final Map<Integer, Map<String, Integer>> ENUMERATIONS = Map.of(
            6, names("Login-User", 1, "Framed-User", 2, "Callback-Login-User", 3, "Callback-Framed-User", 4,
                    "Outbound-User", 5, "Administrative-User", 6, "NAS-Prompt-User", 7, "Authenticate-Only", 8,
                    "Callback-NAS-Prompt", 9, "Call-Check", 10, "Callback-Administrative", 11),
            7, names("PPP", 1, "SLIP", 2, "ARAP", 3, "Gandalf-SLML", 4, "Xylogics-IPX-SLIP", 5, "X.75-Synchronous",
                    6),
            29, names("Default", 0, "RADIUS-Request", 1),
            40, names("Start", 1, "Stop", 2, "Interim-Update", 3, "Alive", 3, "Accounting-On", 7,
                    "Accounting-Off", 8, "Failed", 15),
            45, names("RADIUS", 1, "Local", 2, "Remote", 3),
            49, names("User-Request", 1, "Lost-Carrier", 2, "Lost-Service", 3, "Idle-Timeout", 4,
                    "Session-Timeout", 5, "Admin-Reset", 6, "Admin-Reboot", 7, "Port-Error", 8, "NAS-Error", 9,
                    "NAS-Request", 10, "NAS-Reboot", 11, "Port-Unneeded", 12, "Port-Preempted", 13,
                    "Port-Suspended", 14, "Service-Unavailable", 15, "Callback", 16, "User-Error", 17,
                    "Host-Request", 18),
            61, names("Async", 0, "Sync", 1, "ISDN", 2, "ISDN-V120", 3, "ISDN-V110", 4, "Virtual", 5, "PIAFS", 6,
                    "HDLC-Clear-Channel", 7, "X.25", 8, "X.75", 9, "G.3-Fax", 10, "SDSL", 11, "ADSL-CAP", 12,
                    "ADSL-DMT", 13, "IDSL", 14, "Ethernet", 15, "xDSL", 16, "Cable", 17, "Wireless-Other", 18,
                    "Wireless-802.11", 19),
            64, names("PPTP", 1, "L2F", 2, "L2TP", 3, "ATMP", 4, "VTP", 5, "AH", 6, "IP-IP", 7, "MIN-IP-IP", 8,
                    "ESP", 9, "GRE", 10, "DVS", 11, "IP-in-IP", 12, "VLAN", 13),
            65, names("IPv4", 1, "IPv6", 2, "NSAP", 3, "HDLC", 4, "BBN-1822", 5, "802", 6, "E.163", 7, "E.164", 8,
                    "F.69", 9, "X.121", 10, "IPX", 11, "Appletalk", 12, "DecNet-IV", 13, "Banyan-Vines", 14,
                    "E.164-NSAP", 15));

    private NpsValues() {
    }

    private static Map<String, Integer> names(Object... pairs) {
        java.util.HashMap<String, Integer> map = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(((String) pairs[i]).toLowerCase(Locale.ROOT), (Integer) pairs[i + 1]);
        }
        return Map.copyOf(map);
    }

    static Typed typed(RequestAttribute attribute) {
        String value = attribute.value() == null ? "" : attribute.value();
        if (attribute.vendorId() == 0) {
            Map<String, Integer> enumeration = ENUMERATIONS.get(attribute.type());
            Integer number = enumeration == null ? null : enumeration.get(value.toLowerCase(Locale.ROOT));
            if (number != null) {
                return new Typed(NUMBER, number.toString());
            }
            if (NUMBERS.contains(attribute.type()) && isNumber(value)) {
                return new Typed(NUMBER, value);
            }
            if (ADDRESSES.contains(attribute.type()) && isIpv4(value)) {
                return new Typed(ADDRESS, value);
            }
        } else if (isNumber(value)) {
            return new Typed(NUMBER, value);
        }
        if (isHex(value)) {
            return new Typed(OCTETS, value.substring(2).toUpperCase(Locale.ROOT));
        }
        return new Typed(TEXT, value);
    }

    static boolean isNumber(String value) {
        if (value.isEmpty() || value.length() > 19) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv4(String value) {
        return IPV4.matcher(value).matches();
    }

    private static boolean isHex(String value) {
        return value.length() > 2 && value.length() % 2 == 0 && value.startsWith("0x")
                && value.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** Octets given as hex text in a Typed value, as bytes. */
    static byte[] octets(Typed typed) {
        return HexFormat.of().parseHex(typed.text().toLowerCase(Locale.ROOT));
    }
}
