package org.radmfa.radius.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.tinyradius.attribute.RadiusAttribute;
import org.tinyradius.packet.AccessRequest;
import org.tinyradius.packet.RadiusPacket;

/**
 * A second opinion from another implementation, the one the server uses: what this codec encodes TinyRadius reads,
 * and what TinyRadius answers this codec verifies. (The codec itself never depends on TinyRadius.)
 */
class TinyRadiusCrossCheckTest {
    private static final String SECRET = "a shared secret of some length";

    @Test
    void tinyRadiusRevealsTheHiddenPasswordAndChecksChap() throws Exception {
        RadiusCrypto crypto = new RadiusCrypto(SECRET.getBytes(StandardCharsets.UTF_8));
        for (String password : new String[] {"p", "sixteen-octets!!", "a password longer than two blocks of 16"}) {
            byte[] pap = new PacketBuilder(PacketCode.ACCESS_REQUEST, 3, random(16))
                    .add(org.radmfa.radius.codec.AttributeType.USER_NAME, "alice")
                    .addUserPassword(password.getBytes(StandardCharsets.UTF_8), crypto)
                    .build();

            AccessRequest read = (AccessRequest) RadiusPacket.decodeRequestPacket(new ByteArrayInputStream(pap),
                    SECRET);

            assertEquals(password, read.getUserPassword());
        }

        byte[] challenge = random(16);
        byte[] chap = new PacketBuilder(PacketCode.ACCESS_REQUEST, 4, random(16))
                .add(org.radmfa.radius.codec.AttributeType.USER_NAME, "alice")
                .addChapPassword(77, "chap-password".getBytes(StandardCharsets.UTF_8), challenge)
                .add(org.radmfa.radius.codec.AttributeType.CHAP_CHALLENGE, challenge)
                .build();
        AccessRequest read = (AccessRequest) RadiusPacket.decodeRequestPacket(new ByteArrayInputStream(chap),
                SECRET);
        assertEquals(AccessRequest.AUTH_CHAP, read.getAuthProtocol());
        assertTrue(read.verifyPassword("chap-password"));
        assertTrue(!read.verifyPassword("chap-passwore"));
    }

    @Test
    void codecVerifiesTinyRadiusResponses() throws Exception {
        byte[] request = new PacketBuilder(PacketCode.ACCESS_REQUEST, 9, random(16))
                .add(org.radmfa.radius.codec.AttributeType.USER_NAME, "alice")
                .addUserPassword("pw".getBytes(StandardCharsets.UTF_8), new RadiusCrypto(
                        SECRET.getBytes(StandardCharsets.UTF_8)))
                .build();
        RadiusPacket decoded = RadiusPacket.decodeRequestPacket(new ByteArrayInputStream(request), SECRET);
        RadiusPacket accept = new RadiusPacket(PacketCode.ACCESS_ACCEPT, 9);
        accept.addAttribute(new RadiusAttribute(18, "welcome".getBytes(StandardCharsets.UTF_8)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        accept.encodeResponsePacket(out, SECRET, decoded);
        byte[] response = out.toByteArray();

        byte[] requestAuthenticator = java.util.Arrays.copyOfRange(request, 4, 20);
        assertEquals(Verification.VALID_WITHOUT_MESSAGE_AUTHENTICATOR, new RadiusCrypto(SECRET.getBytes(
                StandardCharsets.UTF_8)).verifyResponse(response, response.length, requestAuthenticator));
        assertEquals(Verification.BAD_RESPONSE_AUTHENTICATOR, new RadiusCrypto("another secret".getBytes(
                StandardCharsets.UTF_8)).verifyResponse(response, response.length, requestAuthenticator));
        assertEquals("welcome", new String(org.radmfa.radius.codec.RadiusPacket.decode(response, response.length)
                .first(18), StandardCharsets.UTF_8));
    }

    private static byte[] random(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
