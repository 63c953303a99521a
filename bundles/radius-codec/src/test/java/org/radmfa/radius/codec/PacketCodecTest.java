package org.radmfa.radius.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.radmfa.radius.codec.Hex.hex;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

/** Encoding, authenticators and decoding, by round trips and by computations written out from the RFCs. */
class PacketCodecTest {
    private static final byte[] SECRET = "testing123".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AUTHENTICATOR = hex("00112233445566778899aabbccddeeff");

    @Test
    void hmacMd5IsKeyedWithTheSecretOverTheZeroedPacket() {
        // RFC 2104's test case 2 (key "Jefe"): the data, then the 16 octets that receive the digest.
        byte[] data = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = Arrays.copyOf(data, data.length + 16);
        Arrays.fill(buffer, data.length, buffer.length, (byte) 0x55);

        new RadiusCrypto("Jefe".getBytes(StandardCharsets.US_ASCII)).signMessageAuthenticator(buffer, data.length,
                data.length);

        assertArrayEquals(hex("750c783e6ab0b503eaa86e310a5db738"), Arrays.copyOfRange(buffer, data.length,
                buffer.length));
    }

    @Test
    void messageAuthenticatorIsTheHmacOfTheRequestWithItZeroed() throws Exception {
        byte[] packet = new PacketBuilder(PacketCode.ACCESS_REQUEST, 7, AUTHENTICATOR)
                .addMessageAuthenticator()
                .add(AttributeType.USER_NAME, "alice")
                .build(new RadiusCrypto(SECRET));

        assertEquals(AttributeType.MESSAGE_AUTHENTICATOR, packet[20]);
        assertEquals(18, packet[21]);
        byte[] zeroed = packet.clone();
        Arrays.fill(zeroed, 22, 38, (byte) 0);
        Mac mac = Mac.getInstance("HmacMD5");
        mac.init(new SecretKeySpec(SECRET, "HmacMD5"));
        assertArrayEquals(mac.doFinal(zeroed), Arrays.copyOfRange(packet, 22, 38));
        assertEquals(packet.length, RadiusPacket.lengthField(packet));
    }

    @Test
    void messageAuthenticatorMayStandLastAndUseAnotherKey() throws Exception {
        byte[] packet = new PacketBuilder(PacketCode.ACCESS_REQUEST, 7, AUTHENTICATOR)
                .add(AttributeType.USER_NAME, "alice")
                .addMessageAuthenticator()
                .build(new RadiusCrypto("other".getBytes(StandardCharsets.UTF_8)));

        byte[] zeroed = packet.clone();
        Arrays.fill(zeroed, packet.length - 16, packet.length, (byte) 0);
        Mac mac = Mac.getInstance("HmacMD5");
        mac.init(new SecretKeySpec("other".getBytes(StandardCharsets.UTF_8), "HmacMD5"));
        assertArrayEquals(mac.doFinal(zeroed), Arrays.copyOfRange(packet, packet.length - 16, packet.length));
        assertThrows(IllegalStateException.class, () -> new PacketBuilder(1, 0, AUTHENTICATOR)
                .addMessageAuthenticator().build());
        assertThrows(IllegalStateException.class, () -> new PacketBuilder(1, 0, AUTHENTICATOR)
                .addMessageAuthenticator().addMessageAuthenticator());
    }

    @Test
    void passwordsOfEveryLengthRoundTrip() {
        RadiusCrypto crypto = new RadiusCrypto(SECRET);
        for (int length : new int[] {0, 1, 15, 16, 17, 31, 32, 33, 100, 128}) {
            byte[] password = new byte[length];
            Arrays.fill(password, (byte) 'p');

            byte[] hidden = crypto.hideUserPassword(password, AUTHENTICATOR);

            assertEquals(RadiusCrypto.hiddenLength(length), hidden.length);
            assertArrayEquals(password, crypto.unhideUserPassword(hidden, AUTHENTICATOR), "length " + length);
        }
        assertThrows(IllegalArgumentException.class, () -> crypto.hideUserPassword(new byte[129], AUTHENTICATOR));
        assertThrows(IllegalArgumentException.class, () -> crypto.hideUserPassword(new byte[1], new byte[15]));
    }

    @Test
    void secondPasswordBlockChainsOnTheFirstHiddenBlock() throws Exception {
        // RFC 2865 section 5.2, written out: c(1) = p(1) xor MD5(S + RA), c(2) = p(2) xor MD5(S + c(1)).
        byte[] password = "0123456789abcdefXYZ".getBytes(StandardCharsets.US_ASCII);
        byte[] hidden = new RadiusCrypto(SECRET).hideUserPassword(password, AUTHENTICATOR);

        byte[] padded = Arrays.copyOf(password, 32);
        byte[] first = md5(SECRET, AUTHENTICATOR);
        byte[] second = md5(SECRET, Arrays.copyOfRange(hidden, 0, 16));
        for (int i = 0; i < 16; i++) {
            assertEquals((byte) (padded[i] ^ first[i]), hidden[i]);
            assertEquals((byte) (padded[16 + i] ^ second[i]), hidden[16 + i]);
        }
    }

    @Test
    void chapPasswordIsTheIdentifierAndMd5OfIdPasswordChallenge() throws Exception {
        byte[] challenge = hex("0f0e0d0c0b0a09080706050403020100");
        byte[] packet = new PacketBuilder(PacketCode.ACCESS_REQUEST, 1, AUTHENTICATOR)
                .addChapPassword(0x42, "secret-pw".getBytes(StandardCharsets.UTF_8), challenge)
                .add(AttributeType.CHAP_CHALLENGE, challenge)
                .build();

        byte[] value = RadiusPacket.decode(packet, packet.length).first(AttributeType.CHAP_PASSWORD);
        assertEquals(0x42, value[0]);
        assertArrayEquals(md5(new byte[] {0x42}, "secret-pw".getBytes(StandardCharsets.UTF_8), challenge),
                Arrays.copyOfRange(value, 1, 17));
    }

    @Test
    void verifiesAResponseWithMessageAuthenticatorAndRefusesEveryTampering() {
        RadiusCrypto crypto = new RadiusCrypto(SECRET);
        byte[] response = response(PacketCode.ACCESS_ACCEPT, 9, AUTHENTICATOR, SECRET, true,
                attribute(AttributeType.REPLY_MESSAGE, "welcome".getBytes(StandardCharsets.UTF_8)));

        assertEquals(Verification.VALID_WITH_MESSAGE_AUTHENTICATOR,
                crypto.verifyResponse(response, response.length, AUTHENTICATOR));

        byte[] padded = Arrays.copyOf(response, response.length + 5);
        assertEquals(Verification.VALID_WITH_MESSAGE_AUTHENTICATOR,
                crypto.verifyResponse(padded, padded.length, AUTHENTICATOR), "octets past Length are padding");

        byte[] badMac = response.clone();
        badMac[25] ^= 1;
        assertEquals(Verification.BAD_RESPONSE_AUTHENTICATOR, crypto.verifyResponse(badMac, badMac.length,
                AUTHENTICATOR), "the Response Authenticator covers the Message-Authenticator");
        byte[] macOnlyBad = response(PacketCode.ACCESS_ACCEPT, 9, AUTHENTICATOR, SECRET, true,
                attribute(AttributeType.REPLY_MESSAGE, "welcome".getBytes(StandardCharsets.UTF_8)));
        macOnlyBad[25] ^= 1;
        resignResponseAuthenticator(macOnlyBad, AUTHENTICATOR, SECRET);
        assertEquals(Verification.BAD_MESSAGE_AUTHENTICATOR, crypto.verifyResponse(macOnlyBad, macOnlyBad.length,
                AUTHENTICATOR));

        assertFalse(crypto.verifyResponse(response, response.length - 1, AUTHENTICATOR).valid(), "truncated");
        assertEquals(Verification.MALFORMED, crypto.verifyResponse(response, 19, AUTHENTICATOR));
    }

    @Test
    void refusesMalformedMessageAuthenticators() {
        RadiusCrypto crypto = new RadiusCrypto(SECRET);
        byte[] two = response(PacketCode.ACCESS_ACCEPT, 1, AUTHENTICATOR, SECRET, false,
                attribute(AttributeType.MESSAGE_AUTHENTICATOR, new byte[16]),
                attribute(AttributeType.MESSAGE_AUTHENTICATOR, new byte[16]));
        byte[] short15 = response(PacketCode.ACCESS_ACCEPT, 1, AUTHENTICATOR, SECRET, false,
                attribute(AttributeType.MESSAGE_AUTHENTICATOR, new byte[15]));
        byte[] overrun = response(PacketCode.ACCESS_ACCEPT, 1, AUTHENTICATOR, SECRET, false,
                attribute(AttributeType.REPLY_MESSAGE, new byte[3]));
        overrun[21] = 9;
        resignResponseAuthenticator(overrun, AUTHENTICATOR, SECRET);

        assertEquals(Verification.MALFORMED, crypto.verifyResponse(two, two.length, AUTHENTICATOR));
        assertEquals(Verification.MALFORMED, crypto.verifyResponse(short15, short15.length, AUTHENTICATOR));
        assertEquals(Verification.MALFORMED, crypto.verifyResponse(overrun, overrun.length, AUTHENTICATOR));
    }

    @Test
    void withoutMessageAuthenticatorTheResponseSaysSo() {
        byte[] response = response(PacketCode.ACCESS_REJECT, 3, AUTHENTICATOR, SECRET, false);

        Verification verification = new RadiusCrypto(SECRET).verifyResponse(response, response.length,
                AUTHENTICATOR);

        assertEquals(Verification.VALID_WITHOUT_MESSAGE_AUTHENTICATOR, verification);
        assertTrue(verification.valid());
    }

    @Test
    void readsVendorSpecificAttributesAndJoinsEapMessages() throws Exception {
        byte[] eap = new byte[600];
        for (int i = 0; i < eap.length; i++) {
            eap[i] = (byte) i;
        }
        byte[] packet = new PacketBuilder(PacketCode.ACCESS_REQUEST, 2, AUTHENTICATOR)
                .addVendorSpecific(AttributeType.VENDOR_MICROSOFT, 11, hex("01020304"))
                .addEapMessage(eap)
                .add(AttributeType.VENDOR_SPECIFIC, hex("000001370a03ff0b04aabb"))
                .add(AttributeType.VENDOR_SPECIFIC, hex("00000137"))
                .add(AttributeType.VENDOR_SPECIFIC, hex("0000013701ff"))
                .add(AttributeType.REPLY_MESSAGE, "one")
                .add(AttributeType.REPLY_MESSAGE, "two")
                .build();

        RadiusPacket read = RadiusPacket.decode(packet, packet.length);

        assertEquals(List.of(253, 253, 94), read.attributes().stream()
                .filter(a -> a.type() == AttributeType.EAP_MESSAGE).map(a -> a.value().length).toList());
        assertArrayEquals(eap, read.joined(AttributeType.EAP_MESSAGE));
        assertNull(read.joined(AttributeType.STATE));
        assertArrayEquals(hex("01020304"), read.vendor(311, 11));
        assertArrayEquals(hex("ff"), read.vendor(311, 10));
        assertEquals(3, read.vendorAttributes().size(), "the malformed and empty vendor attributes are left out");
        assertArrayEquals(hex("aabb"), read.vendorAttributes().get(2).value());
        assertEquals(List.of(10, 11), read.attributes().get(4).vendorAttributes().stream()
                .map(RadiusPacket.VendorAttribute::type).toList());
        assertEquals(List.of(), read.attributes().get(5).vendorAttributes(), "too short for a vendor attribute");
        assertEquals(List.of(), read.attributes().get(1).vendorAttributes(), "an EAP-Message holds none");
        assertEquals(4, read.attributes().stream().filter(a -> a.type() == 26).count(), "but kept as they were");
        assertEquals(List.of("one", "two"), read.texts(AttributeType.REPLY_MESSAGE));
        assertTrue(read.has(AttributeType.REPLY_MESSAGE));
        assertFalse(read.has(AttributeType.STATE));
        assertEquals(2, read.identifier());
    }

    @Test
    void refusesWhatDoesNotFit() {
        assertThrows(IllegalArgumentException.class, () -> new PacketBuilder(1, 0, AUTHENTICATOR).add(1,
                new byte[254]));
        assertThrows(IllegalArgumentException.class, () -> new PacketBuilder(1, 256, AUTHENTICATOR));
        assertThrows(IllegalArgumentException.class, () -> new PacketBuilder(1, 0, new byte[15]));
        PacketBuilder full = new PacketBuilder(1, 0, AUTHENTICATOR);
        assertThrows(IllegalArgumentException.class, () -> {
            for (int i = 0; i < 17; i++) {
                full.add(AttributeType.CLASS, new byte[253]);
            }
        });

        byte[] packet = new PacketBuilder(1, 0, AUTHENTICATOR).add(AttributeType.USER_NAME, "bob").build();
        MalformedPacketException truncated = assertThrows(MalformedPacketException.class,
                () -> RadiusPacket.decode(packet, packet.length - 1));
        assertTrue(truncated.getMessage().contains("Length field says 25"), truncated.getMessage());
        byte[] overrun = packet.clone();
        overrun[21] = 6;
        assertThrows(MalformedPacketException.class, () -> RadiusPacket.decode(overrun, overrun.length));
        byte[] lonelyType = Arrays.copyOf(packet, packet.length + 1);
        lonelyType[3]++;
        assertThrows(MalformedPacketException.class, () -> RadiusPacket.decode(lonelyType, lonelyType.length));
        assertThrows(MalformedPacketException.class, () -> RadiusPacket.decode(new byte[19], 19));
    }

    @Test
    void mppeKeysHiddenAsRfc2548SaysAreRevealed() throws Exception {
        byte[] key = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] salt = hex("8a5c");
        // Written out from RFC 2548 section 2.4.2: P = length + key, padded; b(1) = MD5(S + R + A), c(i) = p(i)
        // xor b(i), b(i) = MD5(S + c(i-1)).
        byte[] plain = Arrays.copyOf(new byte[] {(byte) key.length}, 48);
        System.arraycopy(key, 0, plain, 1, key.length);
        ByteArrayOutputStream hidden = new ByteArrayOutputStream();
        hidden.writeBytes(salt);
        byte[] b = md5(SECRET, AUTHENTICATOR, salt);
        for (int block = 0; block < plain.length; block += 16) {
            byte[] c = new byte[16];
            for (int i = 0; i < 16; i++) {
                c[i] = (byte) (plain[block + i] ^ b[i]);
            }
            hidden.writeBytes(c);
            b = md5(SECRET, c);
        }

        assertArrayEquals(key, new RadiusCrypto(SECRET).unhideMppeKey(hidden.toByteArray(), AUTHENTICATOR));
        assertThrows(IllegalArgumentException.class, () -> new RadiusCrypto(SECRET).unhideMppeKey(new byte[17],
                AUTHENTICATOR));
    }

    @Test
    void neverPrintsTheSecret() {
        assertFalse(new RadiusCrypto(SECRET).toString().contains("testing123"));
    }

    @Test
    void templateOffsetsLetAGeneratorRewriteInPlace() {
        RadiusCrypto crypto = new RadiusCrypto(SECRET);
        byte[] password = "bench-password".getBytes(StandardCharsets.UTF_8);
        PacketBuilder template = new PacketBuilder(PacketCode.ACCESS_REQUEST, 0, new byte[16])
                .add(AttributeType.USER_NAME, "bench")
                .addUserPassword(password, crypto);
        int passwordOffset = template.lastValueOffset();
        template.addMessageAuthenticator();
        int macOffset = template.lastValueOffset();
        byte[] packet = template.build(crypto);

        packet[1] = 5;
        System.arraycopy(AUTHENTICATOR, 0, packet, 4, 16);
        crypto.hideUserPassword(password, packet, 4, passwordOffset, 16);
        crypto.signMessageAuthenticator(packet, packet.length, macOffset);

        byte[] expected = new PacketBuilder(PacketCode.ACCESS_REQUEST, 5, AUTHENTICATOR)
                .add(AttributeType.USER_NAME, "bench")
                .addUserPassword(password, crypto)
                .addMessageAuthenticator()
                .build(crypto);
        assertArrayEquals(expected, packet);
    }

    /** A response as a server builds it: Message-Authenticator first with the request's authenticator in place. */
    static byte[] response(int code, int id, byte[] requestAuthenticator, byte[] secret, boolean messageAuthenticator,
            byte[]... attributes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(code);
        out.write(id);
        out.write(0);
        out.write(0);
        out.writeBytes(requestAuthenticator);
        if (messageAuthenticator) {
            out.writeBytes(attribute(AttributeType.MESSAGE_AUTHENTICATOR, new byte[16]));
        }
        for (byte[] attribute : attributes) {
            out.writeBytes(attribute);
        }
        byte[] packet = out.toByteArray();
        packet[2] = (byte) (packet.length >> 8);
        packet[3] = (byte) packet.length;
        if (messageAuthenticator) {
            try {
                Mac mac = Mac.getInstance("HmacMD5");
                mac.init(new SecretKeySpec(secret, "HmacMD5"));
                System.arraycopy(mac.doFinal(packet), 0, packet, 22, 16);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        resignResponseAuthenticator(packet, requestAuthenticator, secret);
        return packet;
    }

    static void resignResponseAuthenticator(byte[] packet, byte[] requestAuthenticator, byte[] secret) {
        byte[] check = packet.clone();
        System.arraycopy(requestAuthenticator, 0, check, 4, 16);
        System.arraycopy(md5(check, secret), 0, packet, 4, 16);
    }

    static byte[] attribute(int type, byte[] value) {
        byte[] attribute = new byte[2 + value.length];
        attribute[0] = (byte) type;
        attribute[1] = (byte) attribute.length;
        System.arraycopy(value, 0, attribute, 2, value.length);
        return attribute;
    }

    static byte[] md5(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
