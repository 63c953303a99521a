package org.radmfa.directory.ldap.internal;

import java.util.List;

import org.radmfa.api.ReasonCode;

/**
 * Why the domain refused a check, from the error text ntlm_auth's helper mode reports. That text is the NT status'
 * description (MS-ERREF, Samba's nterr.c), or the status' name where Samba has no description; both are recognized.
 * Anything else (winbind not running, no domain controller reachable, NTLM blocked on the DC) is not about the user:
 * {@link ReasonCode#DIRECTORY_UNAVAILABLE}, never an accept.
 *
 * @param reason the reason code
 * @param status the NT status name, for logs and traces; the raw text when not recognized
 */
record DomainRefusal(ReasonCode reason, String status) {

    private record Known(String status, String description, ReasonCode reason) {
    }

    /** The texts marked "seen" were read from Samba 4.17's ntlm_auth against a Samba AD DC (ActiveDirectoryIT). */
    private static final List<Known> KNOWN = List.of(
            // seen
            new Known("NT_STATUS_WRONG_PASSWORD", "When trying to update a password, this return status indicates"
                    + " that the value provided as the current password is not correct.",
                    ReasonCode.AUTHENTICATION_FAILED),
            new Known("NT_STATUS_LOGON_FAILURE", "The attempted logon is invalid. This is either due to a bad"
                    + " username or authentication information.", ReasonCode.AUTHENTICATION_FAILED),
            // seen
            new Known("NT_STATUS_NO_SUCH_USER", "The specified account does not exist.", ReasonCode.UNKNOWN_USER),
            // seen
            new Known("NT_STATUS_ACCOUNT_DISABLED", "The referenced account is currently disabled and cannot be"
                    + " logged on to.", ReasonCode.ACCOUNT_DISABLED),
            // seen
            new Known("NT_STATUS_ACCOUNT_LOCKED_OUT", "The user account has been automatically locked because too"
                    + " many invalid logon attempts or password change attempts have been requested.",
                    ReasonCode.ACCOUNT_LOCKED_OUT),
            // seen
            new Known("NT_STATUS_ACCOUNT_EXPIRED", "The user account has expired.", ReasonCode.ACCOUNT_EXPIRED),
            // seen
            new Known("NT_STATUS_PASSWORD_EXPIRED", "The user account password has expired.",
                    ReasonCode.PASSWORD_EXPIRED),
            // seen
            new Known("NT_STATUS_PASSWORD_MUST_CHANGE", "The user password must be changed before logging on the"
                    + " first time.", ReasonCode.PASSWORD_MUST_CHANGE),
            // seen
            new Known("NT_STATUS_INVALID_LOGON_HOURS", "The user account has time restrictions and cannot be logged"
                    + " onto at this time.", ReasonCode.INVALID_LOGON_HOURS),
            new Known("NT_STATUS_PASSWORD_RESTRICTION", "When trying to update a password, this status indicates that"
                    + " some password update rule has been violated. For example, the password might not meet length"
                    + " criteria.", ReasonCode.PASSWORD_CHANGE_REFUSED),
            new Known("NT_STATUS_INVALID_WORKSTATION", "The user account is restricted so that it cannot be used to"
                    + " log on from the source workstation.", ReasonCode.ACCOUNT_RESTRICTION),
            new Known("NT_STATUS_ACCOUNT_RESTRICTION", "Indicates a referenced user name and authentication"
                    + " information are valid, but some user account restriction has prevented successful"
                    + " authentication (such as time-of-day restrictions).", ReasonCode.ACCOUNT_RESTRICTION));

    static DomainRefusal of(String error) {
        String text = error == null ? "" : error.trim();
        for (Known known : KNOWN) {
            if (text.equalsIgnoreCase(known.description()) || text.toUpperCase(java.util.Locale.ROOT)
                    .contains(known.status())) {
                return new DomainRefusal(known.reason(), known.status());
            }
        }
        return new DomainRefusal(ReasonCode.DIRECTORY_UNAVAILABLE, text.isEmpty() ? "no reason given" : text);
    }
}
