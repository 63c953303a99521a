package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ChapCredentials;
import org.radmfa.api.Credentials;
import org.radmfa.api.MsChapV2Credentials;
import org.radmfa.api.MsChapV2PasswordChange;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.SharedSecret;
import org.tinyradius.dictionary.Dictionary;

/**
 * The request decoder reads attributes itself instead of through TinyRadius's packet classes: on random Access- and
 * Accounting-Requests (duplicated and malformed credentials, every value type of the dictionaries at right and wrong
 * lengths, broken Vendor-Specifics, IPv6, invalid UTF-8) it makes exactly what TinyRadius made of them.
 */
class RequestDecoderEquivalenceTest {
    private static final String SECRET = "equivalence-secret";
    private static final HexFormat HEX = HexFormat.of();
    private static final RadiusClient GATEWAY =
            new RadiusClient("gateway", "10.1.255.0/27", SharedSecret.of(SECRET), null, false);
    private static final InetSocketAddress SOURCE = new InetSocketAddress("10.1.255.4", 1812);
    /** Standard types the generator picks from: each value class of the dictionaries, and unknown ones. */
    private static final int[] STANDARD_TYPES = {1, 4, 5, 6, 7, 8, 11, 18, 24, 25, 30, 31, 32, 44, 55, 60, 61, 64, 65,
        66, 77, 87, 95, 96, 97, 99, 123, 150, 200, 241, 255};
    private static final int[] VENDORS = {311, 9, 12356, 25461, 14823, 0, 99999, 0x80000137};

    private final Dictionary dictionary = RadiusDictionary.load();
    private final RequestDecoder decoder = new RequestDecoder(dictionary);
    private final TinyRadiusReferenceDecoder reference = new TinyRadiusReferenceDecoder(dictionary);

    @Test
    void randomRequestsDecodeAsTinyRadiusDecodedThem() throws Exception {
        Random random = new Random(20261206L);
        Map<String, Integer> outcomes = new TreeMap<>();
        int loopingVendorSpecifics = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] packet = accessRequest(random);
            if (makesTinyRadiusLoop(packet)) {
                loopingVendorSpecifics++;
                continue;
            }
            String expected = describe(reference.decode("rq", packet, GATEWAY, SOURCE));
            String actual = describe(decoder.decode("rq", packet, GATEWAY, SOURCE));
            assertEquals(expected, actual, () -> "packet " + HEX.formatHex(packet));
            outcomes.merge(expected.substring(0, expected.indexOf(' ')), 1, Integer::sum);
        }
        assertTrue(loopingVendorSpecifics > 0, "the generator makes sub-attributes of length 0 too");
        // Every kind of outcome came up often enough to have been compared.
        for (String kind : List.of("request:PapCredentials", "request:ChapCredentials", "request:MsChapV2Credentials",
                "request:MsChapV2PasswordChange", "eap", "unsupported", "drop:UNDECODABLE", "drop:NO_USER_NAME",
                "drop:NO_CREDENTIALS")) {
            assertTrue(outcomes.getOrDefault(kind, 0) >= 100, () -> kind + " in " + outcomes);
        }
    }

    @Test
    void randomAccountingRequestsDecodeAsTinyRadiusDecodedThem() throws Exception {
        Random random = new Random(2866L);
        for (int i = 0; i < 5_000; i++) {
            byte[] packet = accessRequest(random);
            packet[0] = (byte) RadiusWire.ACCOUNTING_REQUEST;
            TinyRadiusReferenceDecoder.signAccountingRequest(packet, SECRET.getBytes(StandardCharsets.UTF_8));
            if (makesTinyRadiusLoop(packet)) {
                continue;
            }
            var expected = reference.decodeAccounting("ac", packet, GATEWAY, SOURCE);
            var actual = decoder.decodeAccounting("ac", packet, GATEWAY, SOURCE);
            assertEquals(expected == null ? null : expected.attributes(), actual.attributes(),
                    () -> "packet " + HEX.formatHex(packet));
        }
    }

    /**
     * TinyRadius 1.1.3 counts a Vendor-Specific's sub-attributes by their lengths and never ends on one of length 0
     * ({@code VendorSpecificAttribute.readAttribute}): the reading thread that decoded such a request was lost for
     * good. The request path no longer runs that code.
     */
    @Test
    void aSubAttributeOfLengthZeroLeavesItsVendorSpecificOutAndTheRestDecodes() {
        byte[] packet = HEX.parseHex("0101003d" + "00".repeat(16) + "0107616c696365" + "0212" + "11".repeat(16)
                + "1a0a00000137" + "0100" + "0102" + "1e0667772d31");
        assertTrue(makesTinyRadiusLoop(packet));
        assertEquals(null, RadiusWire.checkStructure(packet, packet.length));
        AuthenticationRequest request = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> decoder.decode("rq", packet, GATEWAY, SOURCE).request());
        assertEquals("alice", request.userName());
        assertEquals(List.of(new RequestAttribute(0, 1, "User-Name", "alice"),
                new RequestAttribute(0, 30, "Called-Station-Id", "gw-1")), request.attributes());
    }

    /** Whether a Vendor-Specific of the packet has a sub-attribute of length 0 where TinyRadius counts them. */
    private static boolean makesTinyRadiusLoop(byte[] packet) {
        int size = RadiusWire.length(packet);
        for (int offset = RadiusWire.HEADER_LENGTH; offset < size; offset += packet[offset + 1] & 0xFF) {
            int end = offset + (packet[offset + 1] & 0xFF);
            if ((packet[offset] & 0xFF) != RadiusWire.VENDOR_SPECIFIC || end - offset < 6) {
                continue;
            }
            for (int sub = offset + 6; sub + 1 < end; sub += packet[sub + 1] & 0xFF) {
                if (packet[sub + 1] == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String describe(RequestDecoder.Result result) {
        if (result.drop() != null) {
            return "drop:" + result.drop() + " ";
        }
        if (result.unsupported() != null) {
            return "unsupported " + result.unsupported();
        }
        if (result.eap() != null) {
            RequestDecoder.EapContext eap = result.eap();
            return "eap " + eap.userName() + " " + HEX.formatHex(eap.eapMessage()) + " state="
                    + (eap.state() == null ? null : HEX.formatHex(eap.state())) + " " + attributes(eap.attributes());
        }
        AuthenticationRequest request = result.request();
        return "request:" + request.credentials().getClass().getSimpleName() + " " + request.userName() + " "
                + credentials(request.credentials()) + " " + attributes(request.attributes());
    }

    private static String credentials(Credentials credentials) {
        if (credentials instanceof PapCredentials pap) {
            return "password=" + pap.password();
        }
        if (credentials instanceof ChapCredentials chap) {
            return chap.chapId() + "/" + HEX.formatHex(chap.response()) + "/" + HEX.formatHex(chap.challenge());
        }
        if (credentials instanceof MsChapV2Credentials msChap) {
            return msChap.ident() + "/" + HEX.formatHex(msChap.authenticatorChallenge()) + "/"
                    + HEX.formatHex(msChap.peerChallenge()) + "/" + HEX.formatHex(msChap.ntResponse());
        }
        MsChapV2PasswordChange change = (MsChapV2PasswordChange) credentials;
        return credentials(change.response()) + "/" + HEX.formatHex(change.encryptedPassword()) + "/"
                + HEX.formatHex(change.encryptedHash());
    }

    private static String attributes(List<RequestAttribute> attributes) {
        return attributes.stream().map(RequestAttribute::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    /** An Access-Request of up to a dozen attributes: credentials of one method or several, and noise. */
    private static byte[] accessRequest(Random random) throws Exception {
        ByteArrayOutputStream attributes = new ByteArrayOutputStream();
        byte[] authenticator = new byte[16];
        random.nextBytes(authenticator);
        int userNames = random.nextInt(10) == 0 ? random.nextInt(3) : 1;
        for (int i = 0; i < userNames; i++) {
            attribute(attributes, 1, random.nextInt(12) == 0 ? new byte[0] : text(random));
        }
        switch (random.nextInt(7)) {
            case 0 -> {
                int passwords = random.nextInt(12) == 0 ? 2 : 1;
                for (int i = 0; i < passwords; i++) {
                    attribute(attributes, 2, random.nextInt(10) == 0 ? bytes(random, random.nextInt(40))
                            : hidden(text(random), authenticator));
                }
            }
            case 1 -> {
                attribute(attributes, 3, bytes(random, random.nextInt(10) == 0 ? random.nextInt(30) : 17));
                if (random.nextBoolean()) {
                    attribute(attributes, 60, bytes(random, 16));
                }
            }
            case 2 -> microsoft(attributes, random, random.nextInt(10) == 0 ? 2 : 1,
                    random.nextInt(8) == 0 ? 27 : 25);
            case 3 -> passwordChange(attributes, random);
            case 4 -> {
                attribute(attributes, 79, bytes(random, 5 + random.nextInt(40)));
                if (random.nextBoolean()) {
                    attribute(attributes, 79, bytes(random, 1 + random.nextInt(40)));
                }
                int states = random.nextInt(6) == 0 ? 2 : random.nextInt(2);
                for (int i = 0; i < states; i++) {
                    attribute(attributes, 24, bytes(random, 1 + random.nextInt(20)));
                }
            }
            case 5 -> {
                // MS-CHAP v1 or no credentials at all: rejected, not decoded.
                if (random.nextBoolean()) {
                    vendorSpecific(attributes, 311, sub(1, bytes(random, 50)));
                }
            }
            default -> {
                // Several methods at once.
                attribute(attributes, 2, hidden(text(random), authenticator));
                attribute(attributes, 3, bytes(random, 17));
                microsoft(attributes, random, 1, 25);
            }
        }
        int noise = random.nextInt(8);
        for (int i = 0; i < noise; i++) {
            if (random.nextInt(3) == 0) {
                vendorSpecific(attributes, random);
            } else {
                int type = STANDARD_TYPES[random.nextInt(STANDARD_TYPES.length)];
                attribute(attributes, type, value(random));
            }
        }
        if (random.nextBoolean()) {
            attribute(attributes, 80, bytes(random, 16));
        }
        byte[] body = attributes.toByteArray();
        byte[] packet = new byte[20 + body.length];
        packet[0] = (byte) RadiusWire.ACCESS_REQUEST;
        packet[1] = (byte) random.nextInt(256);
        packet[2] = (byte) (packet.length >> 8);
        packet[3] = (byte) packet.length;
        System.arraycopy(authenticator, 0, packet, 4, 16);
        System.arraycopy(body, 0, packet, 20, body.length);
        return packet;
    }

    /** Values of the lengths each type has (4, 16, 18 octets), of others, and text. */
    private static byte[] value(Random random) {
        return switch (random.nextInt(6)) {
            case 0, 1 -> bytes(random, 4);
            case 2 -> bytes(random, random.nextBoolean() ? 16 : 18);
            case 3 -> text(random);
            default -> bytes(random, random.nextInt(24));
        };
    }

    private static void microsoft(ByteArrayOutputStream out, Random random, int responses, int responseType)
            throws Exception {
        vendorSpecific(out, 311, sub(11, bytes(random, random.nextInt(12) == 0 ? 8 : 16)));
        for (int i = 0; i < responses; i++) {
            vendorSpecific(out, 311, sub(responseType, bytes(random, random.nextInt(12) == 0 ? 49 : 50)));
        }
    }

    /** MS-CHAP-Challenge, MS-CHAP2-CPW and MS-CHAP-NT-Enc-PW in fragments (RFC 2548 section 2.3.5). */
    private static void passwordChange(ByteArrayOutputStream out, Random random) throws Exception {
        vendorSpecific(out, 311, sub(11, bytes(random, 16)));
        byte[] cpw = bytes(random, random.nextInt(10) == 0 ? 60 : 68);
        cpw[0] = 7;
        vendorSpecific(out, 311, sub(27, cpw));
        int fragments = random.nextInt(8) == 0 ? 2 : 3;
        for (int sequence = 1; sequence <= fragments; sequence++) {
            byte[] fragment = bytes(random, 4 + (sequence < 3 ? 243 : 30));
            fragment[0] = 6;
            fragment[2] = 0;
            fragment[3] = (byte) sequence;
            vendorSpecific(out, 311, sub(6, fragment));
        }
    }

    /** A Vendor-Specific of a known or unknown vendor, sometimes malformed. */
    private static void vendorSpecific(ByteArrayOutputStream out, Random random) throws Exception {
        int vendor = VENDORS[random.nextInt(VENDORS.length)];
        ByteArrayOutputStream subs = new ByteArrayOutputStream();
        int count = random.nextInt(4);
        for (int i = 0; i < count; i++) {
            subs.write(sub(1 + random.nextInt(random.nextBoolean() ? 30 : 255), value(random)));
        }
        byte[] content = subs.toByteArray();
        if (content.length > 0 && random.nextInt(6) == 0) {
            content[random.nextInt(content.length)] = (byte) random.nextInt(3); // a sub-attribute length of 0-2
        }
        vendorSpecific(out, vendor, content);
    }

    private static void vendorSpecific(ByteArrayOutputStream out, int vendor, byte[] content) throws Exception {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        value.write(new byte[] {(byte) (vendor >>> 24), (byte) (vendor >>> 16), (byte) (vendor >>> 8), (byte) vendor});
        value.write(content);
        attribute(out, 26, value.toByteArray());
    }

    private static byte[] sub(int type, byte[] value) {
        byte[] sub = new byte[Math.min(value.length, 247) + 2];
        sub[0] = (byte) type;
        sub[1] = (byte) sub.length;
        System.arraycopy(value, 0, sub, 2, sub.length - 2);
        return sub;
    }

    private static void attribute(ByteArrayOutputStream out, int type, byte[] value) {
        int length = Math.min(value.length, 253);
        out.write(type);
        out.write(length + 2);
        out.write(value, 0, length);
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** ASCII, non-ASCII, or bytes that are not UTF-8. */
    private static byte[] text(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> ("user" + random.nextInt(1000) + "@example.com").getBytes(StandardCharsets.UTF_8);
            case 1 -> "Jürgen Größe ✓".getBytes(StandardCharsets.UTF_8);
            case 2 -> bytes(random, 1 + random.nextInt(20));
            default -> ("p" + random.nextInt() + "\u0000").getBytes(StandardCharsets.UTF_8);
        };
    }

    /** RFC 2865 section 5.2, as a NAS hides User-Password. */
    private static byte[] hidden(byte[] password, byte[] authenticator) throws Exception {
        byte[] padded = new byte[Math.max(16, (password.length + 15) / 16 * 16)];
        System.arraycopy(password, 0, padded, 0, password.length);
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        byte[] previous = authenticator;
        for (int block = 0; block < padded.length; block += 16) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(secret);
            md5.update(previous);
            byte[] mask = md5.digest();
            for (int i = 0; i < 16; i++) {
                padded[block + i] ^= mask[i];
            }
            previous = java.util.Arrays.copyOfRange(padded, block, block + 16);
        }
        return padded;
    }
}
