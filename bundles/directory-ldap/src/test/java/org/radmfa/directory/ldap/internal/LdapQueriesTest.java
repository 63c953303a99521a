package org.radmfa.directory.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.radmfa.api.ReasonCode;

import com.unboundid.ldap.sdk.Filter;

class LdapQueriesTest {

    @Test
    void loginIsEscapedIntoTheDefaultFilter() throws Exception {
        Filter filter = LdapQueries.userFilter(LdapSettings.DEFAULT_USER_FILTER, "*)(uid=*");
        assertEquals("(&(objectClass=user)(|(sAMAccountName=\\2a\\29\\28uid=\\2a)"
                + "(userPrincipalName=\\2a\\29\\28uid=\\2a)))", filter.toString());
        // Still exactly one AND of two components: the login added no filter structure.
        assertEquals(2, filter.getComponents().length);
        assertEquals(Filter.FILTER_TYPE_EQUALITY, filter.getComponents()[1].getComponents()[0].getFilterType());
    }

    @Test
    void backslashAndNulAreEscaped() throws Exception {
        assertEquals("(uid=a\\5cb\\00)", LdapQueries.userFilter("(uid={0})", "a\\b\u0000").toString());
    }

    @Test
    void inChainFilterIsTheAdMatchingRuleWithTheEscapedDn() {
        assertEquals("(member:1.2.840.113556.1.4.1941:=CN=Alice Anders,OU=Users,DC=corp,DC=example)",
                LdapQueries.inChainFilter("CN=Alice Anders,OU=Users,DC=corp,DC=example").toString());
        // A DN may hold filter characters (CN=Smith\, John (IT)): they must be escaped in the assertion value.
        assertEquals("(member:1.2.840.113556.1.4.1941:=CN=Smith\\5c, John \\28IT\\29\\2a,DC=corp)",
                LdapQueries.inChainFilter("CN=Smith\\, John (IT)*,DC=corp").toString());
    }

    @Test
    void memberFilterOrsTheLevel() {
        assertEquals("(member=cn=a,dc=x)", LdapQueries.memberFilter(List.of("cn=a,dc=x")).toString());
        assertEquals("(|(member=cn=a,dc=x)(member=cn=b\\28c\\29,dc=x))",
                LdapQueries.memberFilter(List.of("cn=a,dc=x", "cn=b(c),dc=x")).toString());
    }

    @Test
    void groupNameIsTheFirstRdnValue() {
        assertEquals("VPN Users", LdapQueries.groupName("CN=VPN Users,OU=Groups,DC=corp,DC=example"));
        assertEquals("Smith, John", LdapQueries.groupName("CN=Smith\\, John,DC=corp"));
    }

    @Test
    void accountDisableBit() {
        assertTrue(LdapQueries.disabled("514"));
        assertTrue(LdapQueries.disabled("66050"));
        assertFalse(LdapQueries.disabled("512"));
        assertFalse(LdapQueries.disabled("66048"));
        assertFalse(LdapQueries.disabled(null));
    }

    @Test
    void accountExpiresIsAFiletimeWhereZeroAndTheLargestValueMeanNever() {
        java.time.Instant newYear2001 = java.time.Instant.parse("2001-01-01T00:00:00Z");
        String expiresThen = "126227808000000000";
        assertFalse(LdapQueries.expired(expiresThen, newYear2001.minusMillis(1)));
        assertTrue(LdapQueries.expired(expiresThen, newYear2001));
        assertFalse(LdapQueries.expired("0", newYear2001));
        assertFalse(LdapQueries.expired("9223372036854775807", newYear2001));
        assertFalse(LdapQueries.expired(null, newYear2001));
        assertFalse(LdapQueries.expired("never", newYear2001));
        assertTrue(LdapQueries.lockedOut("16"));
        assertFalse(LdapQueries.lockedOut("8388608"), "only the lockout bit: a password expired is no lockout");
        assertFalse(LdapQueries.lockedOut(null));
    }

    @Test
    void adSubCodes() {
        String prefix = "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data ";
        assertEquals(ReasonCode.AUTHENTICATION_FAILED,
                LdapQueries.invalidCredentials("u", prefix + "52e, v4563").reason());
        assertEquals(ReasonCode.UNKNOWN_USER, LdapQueries.invalidCredentials("u", prefix + "525, v4563").reason());
        assertDetail(ReasonCode.PASSWORD_EXPIRED, "password expired (AD 532)", prefix + "532, v4563");
        assertDetail(ReasonCode.ACCOUNT_DISABLED, "account disabled (AD 533)", prefix + "533, v4563");
        assertDetail(ReasonCode.ACCOUNT_EXPIRED, "account expired (AD 701)", prefix + "701, v4563");
        assertDetail(ReasonCode.PASSWORD_MUST_CHANGE, "must be reset", prefix + "773, v4563");
        assertDetail(ReasonCode.ACCOUNT_LOCKED_OUT, "locked out (AD 775)", prefix + "775, v4563");
        assertDetail(ReasonCode.INVALID_LOGON_HOURS, "logon hours", prefix + "530, v4563");
        assertDetail(ReasonCode.ACCOUNT_RESTRICTION, "workstation", prefix + "531, v4563");
        assertDetail(ReasonCode.AUTHENTICATION_FAILED, "wrong password", "Invalid credentials");
        assertDetail(ReasonCode.AUTHENTICATION_FAILED, "wrong password", null);
    }

    private static void assertDetail(ReasonCode reason, String detail, String message) {
        LdapQueries.BindFailure failure = LdapQueries.invalidCredentials("u", message);
        assertEquals(reason, failure.reason(), message);
        assertTrue(failure.detail().contains(detail), failure.detail());
    }

    @Test
    void sidsAreEncodedAsAdStoresThem() {
        // S-1-5-32-544 (BUILTIN\Administrators): 01 02 000000000005 20000000 20020000
        assertEquals("01020000000000052000000020020000",
                java.util.HexFormat.of().formatHex(LdapQueries.binarySid("S-1-5-32-544")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LdapQueries.binarySid("S-1-5-x"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LdapQueries.binarySid("S-1-5-4294967296"));
    }
}
