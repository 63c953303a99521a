package org.radmfa.npsimport.internal;

import java.util.Map;
import java.util.Optional;

/**
 * Names of the enumerated RADIUS values NPS writes as numbers ({@code NAS-Port-Type=^19$},
 * {@code msRADIUSServiceType = 2}), spelt as the appliance's dictionary spells them (RFC 2865, 2868), since the
 * policy engine matches request attributes by those names.
 */
final class AttributeValues {
    private static final Map<String, Map<Long, String>> NAMES = Map.of(
            "NAS-Port-Type", Map.ofEntries(Map.entry(0L, "Async"), Map.entry(1L, "Sync"), Map.entry(2L, "ISDN"),
                    Map.entry(3L, "ISDN-V120"), Map.entry(4L, "ISDN-V110"), Map.entry(5L, "Virtual"),
                    Map.entry(6L, "PIAFS"), Map.entry(7L, "HDLC-Clear-Channel"), Map.entry(8L, "X.25"),
                    Map.entry(9L, "X.75"), Map.entry(10L, "G.3-Fax"), Map.entry(11L, "SDSL"),
                    Map.entry(12L, "ADSL-CAP"), Map.entry(13L, "ADSL-DMT"), Map.entry(14L, "IDSL"),
                    Map.entry(15L, "Ethernet"), Map.entry(16L, "xDSL"), Map.entry(17L, "Cable"),
                    Map.entry(18L, "Wireless-Other"), Map.entry(19L, "Wireless-802.11"), Map.entry(20L, "Token-Ring"),
                    Map.entry(21L, "FDDI"), Map.entry(22L, "Wireless-CDMA2000"), Map.entry(23L, "Wireless-UMTS"),
                    Map.entry(24L, "Wireless-1X-EV"), Map.entry(25L, "IAPP")),
            "Service-Type", Map.ofEntries(Map.entry(1L, "Login-User"), Map.entry(2L, "Framed-User"),
                    Map.entry(3L, "Callback-Login-User"), Map.entry(4L, "Callback-Framed-User"),
                    Map.entry(5L, "Outbound-User"), Map.entry(6L, "Administrative-User"),
                    Map.entry(7L, "NAS-Prompt-User"), Map.entry(8L, "Authenticate-Only"),
                    Map.entry(9L, "Callback-NAS-Prompt"), Map.entry(10L, "Call-Check"),
                    Map.entry(11L, "Callback-Administrative")),
            "Framed-Protocol", Map.of(1L, "PPP", 2L, "SLIP", 3L, "ARAP", 4L, "Gandalf-SLML", 5L, "Xylogics-IPX-SLIP",
                    6L, "X.75-Synchronous", 7L, "GPRS-PDP-Context"),
            "Tunnel-Type", Map.ofEntries(Map.entry(1L, "PPTP"), Map.entry(2L, "L2F"), Map.entry(3L, "L2TP"),
                    Map.entry(4L, "ATMP"), Map.entry(5L, "VTP"), Map.entry(6L, "AH"), Map.entry(7L, "IP"),
                    Map.entry(8L, "MIN-IP"), Map.entry(9L, "ESP"), Map.entry(10L, "GRE"), Map.entry(11L, "DVS"),
                    Map.entry(12L, "IP-in-IP"), Map.entry(13L, "VLAN")),
            "Tunnel-Medium-Type", Map.of(1L, "IPv4", 2L, "IPv6", 3L, "NSAP", 4L, "HDLC", 5L, "BBN-1822",
                    6L, "IEEE-802", 7L, "E.163", 8L, "E.164"));

    private AttributeValues() {
    }

    static boolean isEnumerated(String attribute) {
        return NAMES.containsKey(attribute);
    }

    /** The value's name, or empty when the attribute is not enumerated or the number has no name. */
    static Optional<String> name(String attribute, long value) {
        return Optional.ofNullable(NAMES.getOrDefault(attribute, Map.of()).get(value));
    }

    /** The name when there is one, else the number as text (what the dictionary shows for a value it lacks). */
    static String nameOrNumber(String attribute, long value) {
        return name(attribute, value).orElse(String.valueOf(value));
    }
}
