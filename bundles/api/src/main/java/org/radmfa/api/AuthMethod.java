package org.radmfa.api;

/** How the user proved their password; the policy engine may allow only some of them. */
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
    EAP
}
