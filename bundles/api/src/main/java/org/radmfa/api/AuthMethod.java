package org.radmfa.api;

/** How the user proved who they are; the policy engine may allow only some of them. */
public enum AuthMethod {
    PAP,
    CHAP,
    MSCHAPV2,
    EAP_MSCHAPV2,
    /**
     * A client certificate in a TLS handshake (RFC 5216, RFC 9190).
     *
     * @since 1.10
     */
    EAP_TLS,
    /**
     * PEAPv0 with EAP-MSCHAPv2 inside the TLS tunnel (MS-PEAP), Windows' default.
     *
     * @since 1.10
     */
    PEAP
}
