package org.radmfa.api;

/** How the user proved their password; the policy engine may allow only some of them. */
public enum AuthMethod {
    PAP,
    CHAP,
    MSCHAPV2,
    EAP_MSCHAPV2
}
