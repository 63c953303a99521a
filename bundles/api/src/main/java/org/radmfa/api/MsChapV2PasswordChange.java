package org.radmfa.api;

import java.util.Objects;

/**
 * An MS-CHAPv2 Change-Password (RFC 2759 section 7; in RADIUS MS-CHAP2-CPW and MS-CHAP-NT-Enc-PW, RFC 2548; in
 * EAP-MSCHAPv2 the Change-Password packet), sent by a peer after its server answered "password expired" (MS-CHAP
 * error 648) and offered the change. Only a directory that lets the domain change the password accepts it; the
 * others reject it as an unsupported method. The blobs are opaque here: only the domain, which knows the old NT
 * hash, can decrypt them.
 *
 * @param response the NT-Response made with the new password, over the challenge the failure named
 * @param encryptedPassword 516 octets: the new password encrypted with the old NT hash (RFC 2759 section 8.9)
 * @param encryptedHash 16 octets: the old NT hash encrypted with the new one (RFC 2759 section 8.12)
 * @since 1.11
 */
public record MsChapV2PasswordChange(MsChapV2Credentials response, byte[] encryptedPassword, byte[] encryptedHash)
        implements Credentials {

    public MsChapV2PasswordChange {
        Objects.requireNonNull(response, "response");
        if (encryptedPassword.length != 516 || encryptedHash.length != 16) {
            throw new IllegalArgumentException("an MS-CHAPv2 password change carries a 516-octet encrypted password"
                    + " and a 16-octet encrypted hash");
        }
        encryptedPassword = encryptedPassword.clone();
        encryptedHash = encryptedHash.clone();
    }

    /** The method of the login it continues: {@link AuthMethod#MSCHAPV2} or {@link AuthMethod#EAP_MSCHAPV2}. */
    @Override
    public AuthMethod method() {
        return response.method();
    }

    @Override
    public byte[] encryptedPassword() {
        return encryptedPassword.clone();
    }

    @Override
    public byte[] encryptedHash() {
        return encryptedHash.clone();
    }

    @Override
    public String toString() {
        return "MsChapV2PasswordChange[" + response.method() + ", ident=" + response.ident() + "]";
    }
}
