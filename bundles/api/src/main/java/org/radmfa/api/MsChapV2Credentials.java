package org.radmfa.api;

import java.util.Objects;

/**
 * An MS-CHAPv2 response (RFC 2759), from MS-CHAP-Challenge and MS-CHAP2-Response (RFC 2548) or from an
 * EAP-MSCHAPv2 exchange.
 *
 * @param method {@link AuthMethod#MSCHAPV2}, {@link AuthMethod#EAP_MSCHAPV2} or {@link AuthMethod#PEAP}
 * @param ident the MS-CHAP identifier the success or error reply must echo
 * @param authenticatorChallenge the server's 16-octet challenge
 * @param peerChallenge the peer's 16-octet challenge
 * @param ntResponse the 24-octet NT-Response
 */
public record MsChapV2Credentials(AuthMethod method, int ident, byte[] authenticatorChallenge, byte[] peerChallenge,
        byte[] ntResponse) implements Credentials {

    public MsChapV2Credentials {
        Objects.requireNonNull(method, "method");
        if (authenticatorChallenge.length != 16 || peerChallenge.length != 16 || ntResponse.length != 24) {
            throw new IllegalArgumentException("MS-CHAPv2 needs 16-octet challenges and a 24-octet NT-Response");
        }
        authenticatorChallenge = authenticatorChallenge.clone();
        peerChallenge = peerChallenge.clone();
        ntResponse = ntResponse.clone();
    }

    @Override
    public byte[] authenticatorChallenge() {
        return authenticatorChallenge.clone();
    }

    @Override
    public byte[] peerChallenge() {
        return peerChallenge.clone();
    }

    @Override
    public byte[] ntResponse() {
        return ntResponse.clone();
    }

    @Override
    public String toString() {
        return "MsChapV2Credentials[" + method + ", ident=" + ident + "]";
    }
}
