package org.radmfa.api;

/** How the user proved who they are; the policy engine may allow only some of them. */
public enum AuthMethod {
    PAP,
    CHAP,
    MSCHAPV2,
    EAP_MSCHAPV2,
    /**
     * An EAP conversation seen as it arrives, before any EAP method has yielded credentials: what a connection
     * request policy routes when it forwards EAP to a remote server.
     *
     * @since 1.9
     */
    EAP,
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
