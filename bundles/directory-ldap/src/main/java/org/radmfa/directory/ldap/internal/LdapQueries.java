package org.radmfa.directory.ldap.internal;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.radmfa.api.ReasonCode;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;

/** The filters this directory sends and how it reads Active Directory's answers; no I/O. */
final class LdapQueries {
    /** LDAP_MATCHING_RULE_IN_CHAIN: AD walks the membership chain on the server. */
    static final String IN_CHAIN_RULE = "1.2.840.113556.1.4.1941";
    /** userAccountControl ACCOUNTDISABLE. */
    static final int ACCOUNT_DISABLE = 0x2;
    /** msDS-User-Account-Control-Computed UF_LOCKOUT: the domain controller's own view, lockout duration applied. */
    static final int LOCKOUT = 0x10;
    /** Windows FILETIME (100 ns since 1601) of the Unix epoch. */
    private static final long FILETIME_UNIX_EPOCH = 116_444_736_000_000_000L;
    /** "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563". */
    private static final Pattern AD_DATA = Pattern.compile("\\bdata ([0-9a-fA-F]{3,8})\\b");

    private LdapQueries() {
    }

    /**
     * The user search filter: every {0} in the template replaced by the login with RFC 4515 escaping, so that
     * {@code *}, parentheses, backslash and NUL in a User-Name are data, never filter syntax.
     */
    static Filter userFilter(String template, String login) throws LDAPException {
        return Filter.create(template.replace("{0}", Filter.encodeValue(login)));
    }

    /** {@code (member:1.2.840.113556.1.4.1941:=<user DN>)}: all groups the user is in, directly or nested. */
    static Filter inChainFilter(String userDn) {
        return Filter.createExtensibleMatchFilter("member", IN_CHAIN_RULE, false, userDn);
    }

    /** A group entry (AD group, groupOfNames or groupOfUniqueNames) by cn, with RFC 4515 escaping of the name. */
    static Filter groupFilter(String name) {
        return Filter.createANDFilter(Filter.createORFilter(Filter.createEqualityFilter("objectClass", "group"),
                Filter.createEqualityFilter("objectClass", "groupOfNames"),
                Filter.createEqualityFilter("objectClass", "groupOfUniqueNames")),
                Filter.createEqualityFilter("cn", name));
    }

    /** The group with this Windows SID, by its binary {@code objectSid}. */
    static Filter groupBySidFilter(String sid) {
        return Filter.createANDFilter(Filter.createEqualityFilter("objectClass", "group"),
                Filter.createEqualityFilter("objectSid", binarySid(sid)));
    }

    /**
     * A SID in the binary form AD stores in {@code objectSid}: revision, number of sub-authorities, the 48-bit
     * identifier authority big-endian, then each sub-authority as 32 bits little-endian (MS-DTYP 2.4.2).
     *
     * @throws IllegalArgumentException when the text is not {@code S-1-<authority>-<sub>...}
     */
    static byte[] binarySid(String sid) {
        String[] parts = sid.strip().toUpperCase(java.util.Locale.ROOT).split("-");
        if (parts.length < 3 || parts.length > 18 || !parts[0].equals("S") || !parts[1].equals("1")) {
            throw new IllegalArgumentException("'" + sid + "' is not a SID such as S-1-5-21-...");
        }
        try {
            long authority = Long.parseLong(parts[2]);
            int subAuthorities = parts.length - 3;
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(8 + 4 * subAuthorities);
            buffer.put((byte) 1).put((byte) subAuthorities);
            for (int shift = 40; shift >= 0; shift -= 8) {
                buffer.put((byte) (authority >>> shift));
            }
            buffer.order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 3; i < parts.length; i++) {
                long value = Long.parseLong(parts[i]);
                if (value < 0 || value > 0xffffffffL) {
                    throw new IllegalArgumentException("'" + sid + "': sub-authority " + value + " is out of range");
                }
                buffer.putInt((int) value);
            }
            return buffer.array();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + sid + "' is not a SID such as S-1-5-21-...");
        }
    }

    /** Groups that have any of these entries as a direct member. */
    static Filter memberFilter(List<String> memberDns) {
        if (memberDns.size() == 1) {
            return Filter.createEqualityFilter("member", memberDns.get(0));
        }
        return Filter.createORFilter(memberDns.stream().map(dn -> Filter.createEqualityFilter("member", dn)).toList());
    }

    /** The group's name for policies: the value of its first RDN (cn=vpn-users,ou=... gives vpn-users). */
    static String groupName(String groupDn) {
        try {
            RDN rdn = new DN(groupDn).getRDN();
            return rdn == null ? groupDn : rdn.getAttributeValues()[0];
        } catch (LDAPException e) {
            return groupDn;
        }
    }

    static boolean disabled(String userAccountControl) {
        return flagSet(userAccountControl, ACCOUNT_DISABLE);
    }

    /** Whether AD's accountExpires (a FILETIME; 0 and the largest value mean never) has passed at {@code now}. */
    static boolean expired(String accountExpires, java.time.Instant now) {
        if (accountExpires == null) {
            return false;
        }
        try {
            long filetime = Long.parseLong(accountExpires.trim());
            if (filetime <= 0 || filetime == Long.MAX_VALUE) {
                return false;
            }
            long unixMillis = Math.floorDiv(filetime - FILETIME_UNIX_EPOCH, 10_000L);
            return now.toEpochMilli() >= unixMillis;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether msDS-User-Account-Control-Computed says the account is locked out now. */
    static boolean lockedOut(String computedAccountControl) {
        return flagSet(computedAccountControl, LOCKOUT);
    }

    /** Whether an account-control attribute (a decimal number) has this flag; absent or not a number: no. */
    private static boolean flagSet(String accountControl, long flag) {
        if (accountControl == null) {
            return false;
        }
        try {
            return (Long.parseLong(accountControl.trim()) & flag) != 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A rejected bind as reason and detail, from Active Directory's sub-code in the diagnostic message. */
    record BindFailure(ReasonCode reason, String detail) {
    }

    /**
     * Reads the AD sub-code ("data 775") of an invalidCredentials (49) answer. AD reports 530-775 only once the
     * password was right, so these name the account's state; a server that is not AD gives no sub-code and the
     * answer is a wrong password.
     */
    static BindFailure invalidCredentials(String user, String diagnosticMessage) {
        Matcher matcher = AD_DATA.matcher(diagnosticMessage == null ? "" : diagnosticMessage);
        String code = matcher.find() ? matcher.group(1).toLowerCase(Locale.ROOT) : "";
        String who = "user '" + user + "'";
        return switch (code) {
            case "525" -> new BindFailure(ReasonCode.UNKNOWN_USER, who + " not found at bind (AD 525)");
            case "530" -> new BindFailure(ReasonCode.INVALID_LOGON_HOURS,
                    who + " is not permitted to log on at this time (AD 530, logon hours)");
            case "531" -> new BindFailure(ReasonCode.ACCOUNT_RESTRICTION,
                    who + " is not permitted to log on from this workstation (AD 531)");
            case "532" -> new BindFailure(ReasonCode.PASSWORD_EXPIRED,
                    who + ": password expired (AD 532), it must be changed");
            case "533" -> new BindFailure(ReasonCode.ACCOUNT_DISABLED, who + ": account disabled (AD 533)");
            case "701" -> new BindFailure(ReasonCode.ACCOUNT_EXPIRED, who + ": account expired (AD 701)");
            case "773" -> new BindFailure(ReasonCode.PASSWORD_MUST_CHANGE,
                    who + ": password must be reset at next logon (AD 773)");
            case "775" -> new BindFailure(ReasonCode.ACCOUNT_LOCKED_OUT, who + ": account locked out (AD 775)");
            case "52e", "" -> new BindFailure(ReasonCode.AUTHENTICATION_FAILED, "wrong password for " + who);
            default -> new BindFailure(ReasonCode.AUTHENTICATION_FAILED,
                    "invalid credentials for " + who + " (AD " + code + ")");
        };
    }
}
