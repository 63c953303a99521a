package org.radmfa.directory.ldap.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.radmfa.api.DialIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.unboundid.ldap.sdk.Entry;

/**
 * A user entry's dial-in properties as Active Directory Users and Computers writes them on the Dial-in tab. Only
 * the attributes in force are read: what the tab keeps while a box is unticked goes to the {@code msRASSaved*} and
 * {@code msNPSaved*} attributes, which NPS ignores too. An LDAP server without these attributes has none.
 */
final class AccountDialIn {
    static final String ALLOW_DIALIN = "msNPAllowDialin";
    static final String CALLING_STATION_ID = "msNPCallingStationID";
    static final String FRAMED_IP_ADDRESS = "msRADIUSFramedIPAddress";
    static final String FRAMED_ROUTE = "msRADIUSFramedRoute";
    static final List<String> ATTRIBUTES = List.of(ALLOW_DIALIN, CALLING_STATION_ID, FRAMED_IP_ADDRESS, FRAMED_ROUTE);

    private static final Logger LOG = LoggerFactory.getLogger(AccountDialIn.class);
    /** A RADIUS attribute's value holds at most 253 octets. */
    private static final int MAX_VALUE_OCTETS = 253;

    private AccountDialIn() {
    }

    static DialIn of(Entry entry) {
        DialIn.Access access = access(entry.getAttributeValue(ALLOW_DIALIN));
        Set<String> callerIds = new LinkedHashSet<>(values(entry, CALLING_STATION_ID));
        String address = address(entry.getAttributeValue(FRAMED_IP_ADDRESS), entry.getDN());
        DialIn dialIn = new DialIn(access, callerIds, address, values(entry, FRAMED_ROUTE));
        return dialIn.isEmpty() ? DialIn.NONE : dialIn;
    }

    /** Boolean syntax: TRUE Allow access, FALSE Deny access, absent Control access through NPS Network Policy. */
    static DialIn.Access access(String value) {
        if (value == null) {
            return DialIn.Access.POLICY;
        }
        return switch (value.trim().toUpperCase(Locale.ROOT)) {
            case "TRUE" -> DialIn.Access.ALLOW;
            case "FALSE" -> DialIn.Access.DENY;
            // Not Boolean syntax: the safe reading of a permission nobody can tell.
            default -> DialIn.Access.DENY;
        };
    }

    /**
     * The static address is an Integer attribute: the IPv4 address's four octets, first octet most significant,
     * read as a signed 32-bit number (192.168.1.10 is -1062731510, 10.0.0.1 is 167772161).
     */
    static String address(String value, String dn) {
        if (value == null) {
            return null;
        }
        long number;
        try {
            number = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            number = Long.MIN_VALUE;
        }
        if (number < Integer.MIN_VALUE || number > 0xFFFF_FFFFL) {
            LOG.warn("{} of {} is '{}', not an IPv4 address as a 32-bit number: no static address returned",
                    FRAMED_IP_ADDRESS, dn, value);
            return null;
        }
        int bits = (int) number;
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
    }

    private static List<String> values(Entry entry, String attribute) {
        String[] values = entry.getAttributeValues(attribute);
        List<String> kept = new ArrayList<>();
        if (values == null) {
            return kept;
        }
        for (String value : values) {
            if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_OCTETS) {
                LOG.warn("{} of {} has a value longer than a RADIUS attribute holds (253 octets): left out",
                        attribute, entry.getDN());
            } else if (!value.isBlank()) {
                kept.add(value.trim());
            }
        }
        return kept;
    }
}
