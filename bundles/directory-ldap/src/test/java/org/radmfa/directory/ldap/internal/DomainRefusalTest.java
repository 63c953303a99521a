package org.radmfa.directory.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.radmfa.api.ReasonCode;

/** The error texts as Samba 4.17's ntlm_auth helper mode printed them against a Samba AD DC. */
class DomainRefusalTest {

    @Test
    void theDomainsReasonsAboutTheUser() {
        assertRefusal(ReasonCode.AUTHENTICATION_FAILED, "NT_STATUS_WRONG_PASSWORD", "When trying to update a password,"
                + " this return status indicates that the value provided as the current password is not correct.");
        assertRefusal(ReasonCode.UNKNOWN_USER, "NT_STATUS_NO_SUCH_USER", "The specified account does not exist.");
        assertRefusal(ReasonCode.ACCOUNT_DISABLED, "NT_STATUS_ACCOUNT_DISABLED",
                "The referenced account is currently disabled and cannot be logged on to.");
        assertRefusal(ReasonCode.PASSWORD_MUST_CHANGE, "NT_STATUS_PASSWORD_MUST_CHANGE",
                "The user password must be changed before logging on the first time.");
        assertRefusal(ReasonCode.PASSWORD_EXPIRED, "NT_STATUS_PASSWORD_EXPIRED",
                "The user account password has expired.");
        assertRefusal(ReasonCode.ACCOUNT_EXPIRED, "NT_STATUS_ACCOUNT_EXPIRED", "The user account has expired.");
        assertRefusal(ReasonCode.INVALID_LOGON_HOURS, "NT_STATUS_INVALID_LOGON_HOURS",
                "The user account has time restrictions and cannot be logged onto at this time.");
        assertRefusal(ReasonCode.ACCOUNT_LOCKED_OUT, "NT_STATUS_ACCOUNT_LOCKED_OUT", "The user account has been"
                + " automatically locked because too many invalid logon attempts or password change attempts have"
                + " been requested.");
    }

    @Test
    void statusNamesAreRecognizedToo() {
        assertRefusal(ReasonCode.ACCOUNT_DISABLED, "NT_STATUS_ACCOUNT_DISABLED", "NT_STATUS_ACCOUNT_DISABLED");
        assertRefusal(ReasonCode.ACCOUNT_RESTRICTION, "NT_STATUS_INVALID_WORKSTATION", "nt_status_invalid_workstation");
    }

    @Test
    void anythingElseIsTheDirectoryBeingUnavailableNotTheUser() {
        assertRefusal(ReasonCode.DIRECTORY_UNAVAILABLE, "Reading winbind reply failed!", "Reading winbind reply failed!");
        assertRefusal(ReasonCode.DIRECTORY_UNAVAILABLE, "NT_STATUS_NO_LOGON_SERVERS", "NT_STATUS_NO_LOGON_SERVERS");
        assertRefusal(ReasonCode.DIRECTORY_UNAVAILABLE, "no reason given", null);
    }

    private static void assertRefusal(ReasonCode reason, String status, String error) {
        DomainRefusal refusal = DomainRefusal.of(error);
        assertEquals(reason, refusal.reason(), error);
        assertEquals(status, refusal.status(), error);
    }
}
