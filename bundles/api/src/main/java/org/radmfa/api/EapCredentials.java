package org.radmfa.api;

import java.util.Objects;

/**
 * One step of an EAP conversation (RFC 3579) as the client sent it: the EAP packet (its EAP-Message attributes
 * joined) and the State it echoes, null on the first step. What a connection request policy that forwards EAP
 * hands to the remote server untouched.
 *
 * @param eapMessage the EAP packet
 * @param state the State attribute, or null
 * @since 1.9
 */
public record EapCredentials(byte[] eapMessage, byte[] state) implements Credentials {

    public EapCredentials {
        Objects.requireNonNull(eapMessage, "eapMessage");
        eapMessage = eapMessage.clone();
        state = state == null ? null : state.clone();
    }

    @Override
    public byte[] eapMessage() {
        return eapMessage.clone();
    }

    @Override
    public byte[] state() {
        return state == null ? null : state.clone();
    }

    @Override
    public AuthMethod method() {
        return AuthMethod.EAP;
    }

    @Override
    public String toString() {
        return "EapCredentials[" + eapMessage.length + " octets" + (state == null ? "" : ", with State") + "]";
    }
}
