package org.radmfa.api;

/**
 * Why a request ended as it did. Names are stable (they go to logs, accounting and dashboards); where Microsoft NPS
 * has the same reason, {@link #npsCode()} is its number so that NPS tooling and habits carry over.
 */
public enum ReasonCode {
    ACCEPTED(0),
    INTERNAL_ERROR(1),
    MALFORMED_REQUEST(3),
    DIRECTORY_UNAVAILABLE(6),
    UNKNOWN_USER(8),
    AUTHENTICATION_FAILED(16),
    UNSUPPORTED_AUTH_METHOD(18),
    /**
     * The password is right but the domain requires it changed first (AD: "must change password at next logon").
     *
     * @since 1.9
     */
    PASSWORD_MUST_CHANGE(33),
    /**
     * The password is right but has expired (older than the domain's maximum password age).
     *
     * @since 1.9
     */
    PASSWORD_EXPIRED(33),
    /**
     * The domain refused the new password of an MS-CHAPv2 password change: too short, not complex enough, used
     * before, or changed too recently (AD: NT_STATUS_PASSWORD_RESTRICTION). MS-CHAP error 709.
     *
     * @since 1.11
     */
    PASSWORD_CHANGE_REFUSED(-1),
    ACCOUNT_DISABLED(34),
    /**
     * The account's expiry date has passed.
     *
     * @since 1.9
     */
    ACCOUNT_EXPIRED(35),
    /**
     * Too many wrong passwords: the domain locked the account for a while.
     *
     * @since 1.9
     */
    ACCOUNT_LOCKED_OUT(36),
    /**
     * The account's logon hours do not include this moment.
     *
     * @since 1.9
     */
    INVALID_LOGON_HOURS(37),
    /**
     * Another account restriction of the domain (e.g. the workstations it may log on from).
     *
     * @since 1.9
     */
    ACCOUNT_RESTRICTION(38),
    NO_MATCHING_NETWORK_POLICY(48),
    NO_MATCHING_CONNECTION_REQUEST_POLICY(49),
    POLICY_DENIED(65),
    /**
     * The user account's dial-in permission is Deny access (AD msNPAllowDialin), and the matched network policy does
     * not ignore dial-in properties.
     *
     * @since 1.13
     */
    DIAL_IN_DENIED(65),
    /**
     * The user account verifies the caller (AD msNPCallingStationID) and the request's Calling-Station-Id is not one
     * of its caller IDs.
     *
     * @since 1.13
     */
    CALLER_ID_MISMATCH(67),
    AUTH_METHOD_NOT_ALLOWED(66),
    /** The matched policy's day-and-time constraint does not allow this moment. */
    OUTSIDE_ALLOWED_HOURS(68),
    /** The matched policy's NAS-Port-Type constraint does not allow this port type. */
    PORT_TYPE_NOT_ALLOWED(70),
    /** The appliance's own reasons have no NPS number. */
    SERVICE_UNAVAILABLE(-1),
    /**
     * The connection request policy forwards to a remote RADIUS server group that cannot take the request: no proxy
     * is installed, or no group of that name is configured.
     */
    FORWARDING_UNAVAILABLE(-1),
    /**
     * Forwarded, and the remote RADIUS server answered with an Access-Reject.
     *
     * @since 1.9
     */
    REMOTE_REJECTED(-1),
    /**
     * Forwarded, and the remote RADIUS server answered with an Access-Challenge (its State goes back to it).
     *
     * @since 1.9
     */
    REMOTE_CHALLENGE(-1),
    /**
     * Forwarded, and no server of the remote group answered in time (or every answer failed its authenticators).
     *
     * @since 1.9
     */
    REMOTE_UNAVAILABLE(-1),
    /** An EAP conversation goes on: the Access-Challenge carries its next step. */
    EAP_IN_PROGRESS(-1),
    MFA_CHALLENGE(-1),
    MFA_DENIED(-1),
    MFA_TIMED_OUT(-1),
    MFA_UNAVAILABLE(-1),
    MFA_NOT_ENROLLED(-1),
    /** Too many second-factor prompts for this user in a short time (push-fatigue guard). */
    MFA_RATE_LIMITED(-1),
    /**
     * A logging sink configured to discard requests when logging fails cannot write (NPS: "if logging fails,
     * discard connection requests").
     *
     * @since 1.5
     */
    LOGGING_FAILED(-1);

    private final int npsCode;

    ReasonCode(int npsCode) {
        this.npsCode = npsCode;
    }

    /** The NPS reason code with the same meaning, or -1 where NPS has none. */
    public int npsCode() {
        return npsCode;
    }
}
