package org.radmfa.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The test vectors of RFC 2759 section 9.2 (MS-CHAPv2) and RFC 3079 section 3.5.3 (MPPE keys). */
class MsChapV2CredentialsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final MsChapV2Credentials RFC_2759 = new MsChapV2Credentials(AuthMethod.MSCHAPV2, 7,
            HEX.parseHex("5b5d7c7d7b3f2f3e3c2c602132262628"), HEX.parseHex("21402324255e262a28295f2b3a337c7e"),
            HEX.parseHex("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df"));
    /** MD4 of the NT hash of "clientPass", as RFC 2759 gives it. */
    private static final byte[] PASSWORD_HASH_HASH = HEX.parseHex("41c00c584bd2d91c4017a2a12fa59f3f");

    @Test
    void challengeHashIgnoresTheDomainPrefix() {
        assertEquals("d02e4386bce91226", HEX.formatHex(RFC_2759.challengeHash("User")));
        assertEquals("d02e4386bce91226", HEX.formatHex(RFC_2759.challengeHash("EXAMPLE\\User")));
    }

    @Test
    void successCarriesTheAuthenticatorResponseAndTheMppeKeysOfTheRfcs() {
        List<ReplyAttribute> attributes = RFC_2759.successAttributes("User", PASSWORD_HASH_HASH);
        assertEquals(new ReplyAttribute("MS-CHAP2-Success", "0x07" + HEX.formatHex(
                "S=407A5589115FD0D6209F510FE9C04566932CDA56".getBytes(StandardCharsets.US_ASCII))), attributes.get(0));
        // RFC 3079's SendStartKey128 is derived with IsServer = TRUE: the server's send key, MS-MPPE-Send-Key.
        assertEquals(new ReplyAttribute("MS-MPPE-Send-Key", "0x8b7cdc149b993a1ba118cb153f56dccb"), attributes.get(1));
        // The receive key has no RFC vector: this value only guards against regressions.
        assertEquals(new ReplyAttribute("MS-MPPE-Recv-Key", "0xd5f0e9521e3ea9589645e86051c82226"), attributes.get(2));
    }

    @Test
    void failureNamesTheErrorTheDomainsReasonMapsTo() {
        assertEquals("E=691 R=0 C=5B5D7C7D7B3F2F3E3C2C602132262628 V=3 M=Authentication failed",
                errorText(ReasonCode.AUTHENTICATION_FAILED));
        assertEquals("E=648", errorText(ReasonCode.PASSWORD_EXPIRED).substring(0, 5));
        assertEquals("E=648", errorText(ReasonCode.PASSWORD_MUST_CHANGE).substring(0, 5));
        assertEquals("E=647", errorText(ReasonCode.ACCOUNT_DISABLED).substring(0, 5));
        assertEquals("E=647", errorText(ReasonCode.ACCOUNT_LOCKED_OUT).substring(0, 5));
        assertEquals("E=646", errorText(ReasonCode.INVALID_LOGON_HOURS).substring(0, 5));
        assertEquals("E=691", errorText(ReasonCode.DIRECTORY_UNAVAILABLE).substring(0, 5));
    }

    private static String errorText(ReasonCode reason) {
        ReplyAttribute error = RFC_2759.failureAttributes(reason).get(0);
        assertEquals("MS-CHAP-Error", error.name());
        assertEquals("0x07", error.value().substring(0, 4), "the ident octet first");
        return new String(HEX.parseHex(error.value().substring(4)), StandardCharsets.US_ASCII);
    }
}
