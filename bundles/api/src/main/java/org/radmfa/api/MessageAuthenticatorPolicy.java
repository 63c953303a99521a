package org.radmfa.api;

import java.util.Locale;

/**
 * Whether a client's Access-Requests must carry a valid Message-Authenticator (RFC 3579; BlastRADIUS,
 * CVE-2024-3596), with FreeRADIUS 3.2.5's three values of {@code require_message_authenticator}.
 *
 * @since 1.9
 */
public enum MessageAuthenticatorPolicy {
    /** Always: an Access-Request without one is dropped. Configured as {@code true}. */
    REQUIRED("true"),
    /**
     * Required once the client has sent one valid Message-Authenticator, from then on and across restarts; until
     * then accepted without (a gateway that cannot send it keeps working, one that can is protected from its first
     * signed request on). Configured as {@code auto}.
     */
    AUTO("auto"),
    /** Never required (a valid one is still checked when present). Configured as {@code false}. */
    OPTIONAL("false");

    private final String configValue;

    MessageAuthenticatorPolicy(String configValue) {
        this.configValue = configValue;
    }

    /** The value as written in a client's configuration: {@code true}, {@code auto} or {@code false}. */
    public String configValue() {
        return configValue;
    }

    /**
     * Reads a configured value: {@code true}/{@code yes}/{@code required}, {@code auto}, {@code false}/{@code no}/
     * {@code optional}, without case.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static MessageAuthenticatorPolicy parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "required" -> REQUIRED;
            case "auto" -> AUTO;
            case "false", "no", "optional" -> OPTIONAL;
            default -> throw new IllegalArgumentException("'" + text + "' is not true, auto or false");
        };
    }

    /** Lower-case name for tables: required, auto, optional. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
