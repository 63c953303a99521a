package org.radmfa.directory.local.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MS-CHAPv2 computations of RFC 2759 that need the NT hash (NT-Response); the authenticator response and the
 * MPPE keys, which need only its MD4, are the API's ({@code MsChapV2Credentials}). Checked against RFC 2759's own
 * test vectors.
 */
final class MsChapV2 {
    private MsChapV2() {
    }

    /** NtPasswordHash: MD4 over the UTF-16LE password. */
    static byte[] ntHash(String password) {
        return Md4.digest(password.getBytes(StandardCharsets.UTF_16LE));
    }

    /** The 24-octet NT-Response the peer must have sent for this password hash. */
    static byte[] ntResponse(byte[] challengeHash, byte[] ntHash) {
        byte[] key = Arrays.copyOf(ntHash, 21);
        byte[] response = new byte[24];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(des(Arrays.copyOfRange(key, i * 7, i * 7 + 7), challengeHash), 0, response, i * 8, 8);
        }
        return response;
    }

    /** DES with a 7-octet key spread over 8 octets (the parity bits, which DES ignores, left zero). */
    private static byte[] des(byte[] key7, byte[] clear) {
        byte[] key = new byte[8];
        key[0] = (byte) (key7[0] & 0xFE);
        for (int i = 1; i < 7; i++) {
            key[i] = (byte) (((key7[i - 1] << (8 - i)) | ((key7[i] & 0xFF) >>> i)) & 0xFE);
        }
        key[7] = (byte) (key7[6] << 1);
        try {
            Cipher cipher = Cipher.getInstance("DES/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
            return cipher.doFinal(clear);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DES/ECB/NoPadding is part of every Java runtime", e);
        }
    }
}
