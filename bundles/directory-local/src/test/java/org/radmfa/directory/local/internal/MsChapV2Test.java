package org.radmfa.directory.local.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The test vectors of RFC 1320 (MD4), RFC 2759 section 9.2 (MS-CHAPv2) and RFC 3079 section 3.5.3 (MPPE). */
class MsChapV2Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] AUTHENTICATOR_CHALLENGE = HEX.parseHex("5b5d7c7d7b3f2f3e3c2c602132262628");
    private static final byte[] PEER_CHALLENGE = HEX.parseHex("21402324255e262a28295f2b3a337c7e");

    @Test
    void md4MatchesRfc1320() {
        assertEquals("31d6cfe0d16ae931b73c59d7e0c089c0", HEX.formatHex(Md4.digest(new byte[0])));
        assertEquals("a448017aaf21d8525fc10ae87aa6729d",
                HEX.formatHex(Md4.digest("abc".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("e33b4ddc9c38f2199c3e7b164fcc0536", HEX.formatHex(Md4.digest(
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890"
                        .getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void msChapV2MatchesRfc2759() {
        byte[] ntHash = MsChapV2.ntHash("clientPass");
        assertEquals("44ebba8d5312b8d611474411f56989ae", HEX.formatHex(ntHash));
        byte[] challengeHash = MsChapV2.challengeHash(PEER_CHALLENGE, AUTHENTICATOR_CHALLENGE, "User");
        assertEquals("d02e4386bce91226", HEX.formatHex(challengeHash));
        assertArrayEquals(challengeHash,
                MsChapV2.challengeHash(PEER_CHALLENGE, AUTHENTICATOR_CHALLENGE, "EXAMPLE\\User"));
        byte[] ntResponse = MsChapV2.ntResponse(challengeHash, ntHash);
        assertEquals("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df", HEX.formatHex(ntResponse));
        assertEquals("S=407A5589115FD0D6209F510FE9C04566932CDA56",
                MsChapV2.authenticatorResponse(ntHash, ntResponse, challengeHash));
    }

    @Test
    void mppeKeysMatchRfc3079() {
        byte[] ntResponse = HEX.parseHex("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df");
        byte[][] keys = MsChapV2.mppeKeys(MsChapV2.ntHash("clientPass"), ntResponse);
        // RFC 3079's SendStartKey128 is derived with IsServer = TRUE: the server's send key, MS-MPPE-Send-Key.
        assertEquals("8b7cdc149b993a1ba118cb153f56dccb", HEX.formatHex(keys[0]));
        // The receive key has no RFC vector: this value only guards against regressions.
        assertEquals("d5f0e9521e3ea9589645e86051c82226", HEX.formatHex(keys[1]));
    }
}
