package org.radmfa.radius.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.radmfa.radius.codec.Hex.hex;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The packets of RFC 2865 section 7, byte for byte. */
class Rfc2865ExamplesTest {
    private static final byte[] SECRET = "xyzzy5461".getBytes(StandardCharsets.US_ASCII);

    /** Section 7.1, "User Telnet to Specified Host": the Access-Request. */
    private static final byte[] TELNET_REQUEST = hex("01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb"
            + " 98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be 70 8d 93 d4 13 ce 31 96 e4 3f 78 2a 0a ee 04 06 c0 a8"
            + " 01 10 05 06 00 00 00 03");
    /** Section 7.1: the Access-Accept answering it. */
    private static final byte[] TELNET_ACCEPT = hex("02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf"
            + " 9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 00 00 0e 06 c0 a8 01 03");
    /** Section 7.2, "Framed User Authenticating with CHAP": the Access-Request. */
    private static final byte[] CHAP_REQUEST = hex("01 01 00 47 2a ee 86 f0 8d 0d 55 96 9c a5 97 8e"
            + " 0d 33 67 a2 01 08 66 6c 6f 70 73 79 03 13 16 e9 75 57 c3 16 18 58 95 f2 93 ff 63 44 07 72 75 04"
            + " 06 c0 a8 01 10 05 06 00 00 00 14 06 06 00 00 00 02 07 06 00 00 00 01");

    @Test
    void encodesTheTelnetAccessRequestWithItsHiddenPassword() {
        RadiusCrypto crypto = new RadiusCrypto(SECRET);
        byte[] built = new PacketBuilder(PacketCode.ACCESS_REQUEST, 0, hex("0f403f9473978057bd83d5cb98f4227a"))
                .add(AttributeType.USER_NAME, "nemo")
                .addUserPassword("arctangent".getBytes(StandardCharsets.UTF_8), crypto)
                .add(AttributeType.NAS_IP_ADDRESS, new byte[] {(byte) 192, (byte) 168, 1, 16})
                .addInteger(AttributeType.NAS_PORT, 3)
                .build();

        assertArrayEquals(TELNET_REQUEST, built);
    }

    @Test
    void revealsTheTelnetPasswordAsAServerWould() throws Exception {
        RadiusPacket request = RadiusPacket.decode(TELNET_REQUEST, TELNET_REQUEST.length);

        byte[] password = new RadiusCrypto(SECRET).unhideUserPassword(request.first(AttributeType.USER_PASSWORD),
                request.authenticator());

        assertEquals("arctangent", new String(password, StandardCharsets.UTF_8));
    }

    @Test
    void verifiesTheTelnetAccessAccept() throws Exception {
        RadiusCrypto crypto = new RadiusCrypto(SECRET);
        byte[] requestAuthenticator = hex("0f403f9473978057bd83d5cb98f4227a");

        assertEquals(Verification.VALID_WITHOUT_MESSAGE_AUTHENTICATOR,
                crypto.verifyResponse(TELNET_ACCEPT, TELNET_ACCEPT.length, requestAuthenticator));
        assertEquals(Verification.BAD_RESPONSE_AUTHENTICATOR, new RadiusCrypto("xyzzy5462".getBytes(
                StandardCharsets.US_ASCII)).verifyResponse(TELNET_ACCEPT, TELNET_ACCEPT.length,
                        requestAuthenticator));
        byte[] otherRequest = requestAuthenticator.clone();
        otherRequest[15] ^= 1;
        assertEquals(Verification.BAD_RESPONSE_AUTHENTICATOR,
                crypto.verifyResponse(TELNET_ACCEPT, TELNET_ACCEPT.length, otherRequest));

        RadiusPacket accept = RadiusPacket.decode(TELNET_ACCEPT, TELNET_ACCEPT.length);
        assertEquals(PacketCode.ACCESS_ACCEPT, accept.code());
        assertEquals(List.of(6, 15, 14), accept.attributes().stream().map(RadiusPacket.Attribute::type).toList());
        assertArrayEquals(hex("c0a80103"), accept.first(14));
    }

    @Test
    void encodesTheChapAccessRequest() throws Exception {
        RadiusPacket request = RadiusPacket.decode(CHAP_REQUEST, CHAP_REQUEST.length);
        byte[] chapPassword = request.first(AttributeType.CHAP_PASSWORD);
        assertEquals(17, chapPassword.length);
        assertEquals(0x16, chapPassword[0]);

        // The example does not give flopsy's password, so its CHAP response is taken as it is.
        byte[] built = new PacketBuilder(PacketCode.ACCESS_REQUEST, 1, request.authenticator())
                .add(AttributeType.USER_NAME, "flopsy")
                .add(AttributeType.CHAP_PASSWORD, chapPassword)
                .add(AttributeType.NAS_IP_ADDRESS, hex("c0a80110"))
                .addInteger(AttributeType.NAS_PORT, 20)
                .addInteger(AttributeType.SERVICE_TYPE, 2)
                .addInteger(7, 1)
                .build();

        assertArrayEquals(CHAP_REQUEST, built);
    }
}
