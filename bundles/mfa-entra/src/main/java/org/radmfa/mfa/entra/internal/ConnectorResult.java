package org.radmfa.mfa.entra.internal;

import java.util.Map;

import org.radmfa.api.MfaOutcome.Kind;

/**
 * What each {@code Result/Value} of the Entra MFA connector service means for the login: the outcome (and so the
 * reason code the pipeline gives the decision), the words for the log and the decision, and whether it is a security
 * event (someone reported fraud, a blocked user or tenant tried to log in). A value not listed is an unknown answer:
 * UNAVAILABLE, with the value in the detail.
 */
record ConnectorResult(Kind kind, String meaning, boolean securityEvent) {

    /** Values that say the user is not (fully) set up for MFA: requireUserMatch=false lets them through. */
    static final java.util.Set<String> NOT_SET_UP = java.util.Set.of("UserNotFound",
            "AuthenticationMethodNotConfigured", "NoDefaultAuthenticationMethodIsConfigured");

    private static final Map<String, ConnectorResult> VALUES = Map.ofEntries(
            value("Success", Kind.APPROVED, "second factor verified", false),
            value("PhoneAppDenied", Kind.DENIED, "the user denied the notification in Microsoft Authenticator",
                    false),
            value("PhoneAppNoResponse", Kind.TIMED_OUT, "the user did not answer the notification in time", false),
            value("PhoneAppFraudReported", Kind.DENIED, "the user REPORTED FRAUD for this sign-in", true),
            value("PhoneAppAllDevicesBlocked", Kind.DENIED, "all the user's Authenticator devices are blocked", true),
            value("PhoneAppNotificationFailed", Kind.UNAVAILABLE,
                    "the notification could not be delivered to the user's device", false),
            value("OathCodeIncorrect", Kind.DENIED, "the one-time code is incorrect", false),
            value("OathCodeDuplicate", Kind.DENIED, "the one-time code was already used", false),
            value("OathCodeOld", Kind.DENIED, "the one-time code is too old", false),
            value("OathCodeFailedMaxAllowedRetryReached", Kind.DENIED,
                    "too many wrong one-time codes; the user must wait", false),
            value("UserNotFound", Kind.NOT_ENROLLED, "the user is not in the Entra tenant", false),
            value("AuthenticationMethodNotConfigured", Kind.NOT_ENROLLED,
                    "the user has not registered the authentication method", false),
            value("NoDefaultAuthenticationMethodIsConfigured", Kind.NOT_ENROLLED,
                    "the user has no default MFA method registered", false),
            value("UserIsBlocked", Kind.DENIED, "the user is BLOCKED for MFA in the tenant", true),
            value("TenantIsBlocked", Kind.DENIED, "the TENANT is blocked for MFA", true),
            value("AuthenticationThrottled", Kind.DENIED,
                    "Entra throttled MFA for this user (too many attempts)", false),
            value("UserAuthFailedDuplicateRequest", Kind.DENIED,
                    "Entra refused a duplicate of a request already being answered", false),
            value("InvalidSession", Kind.UNAVAILABLE, "Entra no longer knows the MFA session", false),
            value("AccessDenied", Kind.UNAVAILABLE,
                    "Entra refused the connector (token not valid for the MFA service, or the user's domain"
                            + " belongs to another tenant)", false),
            value("InternalError", Kind.UNAVAILABLE, "internal error in the Entra MFA service", false));

    private static Map.Entry<String, ConnectorResult> value(String value, Kind kind, String meaning,
            boolean securityEvent) {
        return Map.entry(value, new ConnectorResult(kind, meaning, securityEvent));
    }

    /** The meaning of a final value (not AuthenticationPending). */
    static ConnectorResult of(String value) {
        ConnectorResult known = VALUES.get(value);
        return known != null ? known : new ConnectorResult(Kind.UNAVAILABLE,
                "unknown answer from the Entra MFA service", false);
    }
}
