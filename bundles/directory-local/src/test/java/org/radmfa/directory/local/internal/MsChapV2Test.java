package org.radmfa.directory.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The test vectors of RFC 1320 (MD4) and RFC 2759 section 9.2 (MS-CHAPv2). */
class MsChapV2Test {
    private static final HexFormat HEX = HexFormat.of();

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
    void ntResponseMatchesRfc2759() {
        byte[] ntHash = MsChapV2.ntHash("clientPass");
        assertEquals("44ebba8d5312b8d611474411f56989ae", HEX.formatHex(ntHash));
        assertEquals("41c00c584bd2d91c4017a2a12fa59f3f", HEX.formatHex(Md4.digest(ntHash)), "PasswordHashHash");
        byte[] ntResponse = MsChapV2.ntResponse(HEX.parseHex("d02e4386bce91226"), ntHash);
        assertEquals("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df", HEX.formatHex(ntResponse));
    }
}
