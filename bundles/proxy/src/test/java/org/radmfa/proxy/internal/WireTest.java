package org.radmfa.proxy.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class WireTest {
    private static final byte[] SECRET = "remote-secret".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AUTHENTICATOR = HexFormat.of().parseHex("0f1e2d3c4b5a69788796a5b4c3d2e1f0");

    /** RFC 2865 section 5.2, computed by hand: the first block is the password XOR MD5(secret + authenticator). */
    @Test
    void aPasswordIsHiddenAsRfc2865Says() throws Exception {
        byte[] hidden = Wire.hidePassword("secret-password-17".getBytes(StandardCharsets.US_ASCII), SECRET,
                AUTHENTICATOR);
        assertEquals(32, hidden.length);
        java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
        md5.update(SECRET);
        md5.update(AUTHENTICATOR);
        byte[] mask = md5.digest();
        byte[] plain = java.util.Arrays.copyOf("secret-password-17".getBytes(StandardCharsets.US_ASCII), 32);
        for (int i = 0; i < 16; i++) {
            assertEquals((byte) (plain[i] ^ mask[i]), hidden[i]);
        }
        md5.update(SECRET);
        md5.update(hidden, 0, 16);
        byte[] second = md5.digest();
        for (int i = 0; i < 16; i++) {
            assertEquals((byte) (plain[16 + i] ^ second[i]), hidden[16 + i]);
        }
    }

    /** The transport hides MPPE keys the RFC 2548 way; this is its inverse (same construction, as in the transport). */
    @Test
    void anMppeKeyHiddenWithTheRemoteSecretComesBack() {
        byte[] key = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
        byte[] salt = {(byte) 0x81, 0x23};
        byte[] plain = new byte[32];
        plain[0] = 16;
        System.arraycopy(key, 0, plain, 1, 16);
        byte[] hidden = new byte[34];
        hidden[0] = salt[0];
        hidden[1] = salt[1];
        java.security.MessageDigest md5 = Wire.md5();
        md5.update(SECRET);
        md5.update(AUTHENTICATOR);
        md5.update(salt);
        byte[] mask = md5.digest();
        for (int block = 0; block < 32; block += 16) {
            for (int i = 0; i < 16; i++) {
                hidden[2 + block + i] = (byte) (plain[block + i] ^ mask[i]);
            }
            md5.update(SECRET);
            md5.update(hidden, 2 + block, 16);
            mask = md5.digest();
        }
        assertArrayEquals(key, Wire.unhideKey(hidden, SECRET, AUTHENTICATOR));
    }

    @Test
    void anAnswerIsAuthenticOnlyWithTheRightSecretAndRequest() {
        byte[] request = Wire.request(Wire.ACCESS_REQUEST, 7, AUTHENTICATOR, new byte[] {1, 3, 'a'}, SECRET, true);
        assertEquals(20 + 18 + 3, request.length);
        // An answer signed as a server signs it: Message-Authenticator over the request's authenticator, then the
        // Response Authenticator.
        byte[] answer = Wire.request(Wire.ACCESS_ACCEPT, 7, AUTHENTICATOR, new byte[0], SECRET, true);
        java.security.MessageDigest md5 = Wire.md5();
        md5.update(answer);
        md5.update(SECRET);
        System.arraycopy(md5.digest(), 0, answer, 4, 16);
        assertNull(Wire.answerProblem(answer, AUTHENTICATOR, SECRET, true));
        assertEquals("wrong Response Authenticator", Wire.answerProblem(answer, AUTHENTICATOR,
                "other".getBytes(StandardCharsets.US_ASCII), true));
        assertEquals("wrong Response Authenticator", Wire.answerProblem(answer, new byte[16], SECRET, true));
    }
}
