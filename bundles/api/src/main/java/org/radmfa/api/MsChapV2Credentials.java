package org.radmfa.api;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
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

    /**
     * The 8-octet ChallengeHash of RFC 2759 over the peer's user name (without a "DOMAIN\\" prefix): the challenge
     * an NTLM verifier such as a domain controller checks the NT-Response against.
     *
     * @param userName the name the peer sent with its response
     * @since 1.9
     */
    public byte[] challengeHash(String userName) {
        return MsChapV2Computations.challengeHash(peerChallenge, authenticatorChallenge, userName);
    }

    /**
     * What an accept carries: MS-CHAP2-Success with the authenticator response (RFC 2759) and the MPPE keys
     * (RFC 3079, RFC 2548), computed from the PasswordHashHash, the MD4 of the user's NT hash, which is also the NT
     * key (user session key) a domain controller returns for a verified MS-CHAPv2 response.
     *
     * @param userName the name the peer sent with its response
     * @param passwordHashHash 16 octets
     * @since 1.9
     */
    public List<ReplyAttribute> successAttributes(String userName, byte[] passwordHashHash) {
        if (passwordHashHash.length != 16) {
            throw new IllegalArgumentException("the PasswordHashHash has 16 octets");
        }
        byte[] challengeHash = challengeHash(userName);
        String success = MsChapV2Computations.authenticatorResponse(passwordHashHash, ntResponse, challengeHash);
        byte[][] keys = MsChapV2Computations.mppeKeys(passwordHashHash, ntResponse);
        HexFormat hex = HexFormat.of();
        return List.of(
                new ReplyAttribute("MS-CHAP2-Success", "0x" + hex.toHexDigits((byte) ident)
                        + hex.formatHex(success.getBytes(StandardCharsets.US_ASCII))),
                new ReplyAttribute("MS-MPPE-Send-Key", "0x" + hex.formatHex(keys[0])),
                new ReplyAttribute("MS-MPPE-Recv-Key", "0x" + hex.formatHex(keys[1])),
                new ReplyAttribute("MS-MPPE-Encryption-Policy", "1"),
                new ReplyAttribute("MS-MPPE-Encryption-Types", "6"));
    }

    /**
     * What a reject carries: MS-CHAP-Error (RFC 2759 section 6) with the error the reason maps to, as Windows and
     * FreeRADIUS map a domain's answer: 646 restricted logon hours, 647 account disabled, expired or locked out,
     * 648 password expired or to be changed, 709 a password change refused, 691 for everything else.
     *
     * @since 1.9
     */
    public List<ReplyAttribute> failureAttributes(ReasonCode reason) {
        return failureAttributes(reason, false);
    }

    /**
     * As {@link #failureAttributes(ReasonCode)}; with {@code passwordChangeOffered} an expired password or one to
     * be changed is answered "E=648 R=1 ... V=3": the peer may send a Change-Password (RFC 2759 section 7) made
     * with this response's authenticator challenge, which the C= field repeats.
     *
     * @since 1.11
     */
    public List<ReplyAttribute> failureAttributes(ReasonCode reason, boolean passwordChangeOffered) {
        String error = switch (reason) {
            case INVALID_LOGON_HOURS -> "E=646 R=0 C=%s V=3 M=Restricted logon hours";
            case ACCOUNT_DISABLED, ACCOUNT_EXPIRED, ACCOUNT_LOCKED_OUT -> "E=647 R=0 C=%s V=3 M=Account disabled";
            case PASSWORD_EXPIRED, PASSWORD_MUST_CHANGE -> passwordChangeOffered
                    ? "E=648 R=1 C=%s V=3 M=Password expired, change it" : "E=648 R=0 C=%s V=3 M=Password expired";
            case PASSWORD_CHANGE_REFUSED -> "E=709 R=0 C=%s V=3 M=The new password was refused";
            default -> "E=691 R=0 C=%s V=3 M=Authentication failed";
        };
        HexFormat hex = HexFormat.of();
        String text = String.format(error, hex.withUpperCase().formatHex(authenticatorChallenge));
        return List.of(new ReplyAttribute("MS-CHAP-Error", "0x" + hex.toHexDigits((byte) ident)
                + hex.formatHex(text.getBytes(StandardCharsets.US_ASCII))));
    }

    @Override
    public String toString() {
        return "MsChapV2Credentials[" + method + ", ident=" + ident + "]";
    }
}
