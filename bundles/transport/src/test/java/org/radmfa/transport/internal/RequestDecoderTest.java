package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.SharedSecret;
import org.tinyradius.attribute.RadiusAttribute;
import org.tinyradius.attribute.VendorSpecificAttribute;
import org.tinyradius.packet.AccountingRequest;

/** What policies see of the attributes an RRAS-style VPN gateway (an Azure VPN Gateway doing P2S) sends. */
class RequestDecoderTest {
    private static final String SECRET = "decoder-test";
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rrasStyleAttributesAreNamedAsNpsConditionsNameThem() throws Exception {
        AccountingRequest request = new AccountingRequest("alice", AccountingRequest.ACCT_STATUS_TYPE_START);
        request.setPacketIdentifier(1);
        request.addAttribute(new RadiusAttribute(61, HEX.parseHex("00000005")));
        request.addAttribute(new RadiusAttribute(6, HEX.parseHex("00000002")));
        request.addAttribute(new RadiusAttribute(7, HEX.parseHex("00000001")));
        // Tunnel-Type ESP and Tunnel-Medium-Type IPv4, tag 0 (RFC 2868), as sent for an IKEv2 (IPsec) tunnel.
        request.addAttribute(new RadiusAttribute(64, HEX.parseHex("00000009")));
        request.addAttribute(new RadiusAttribute(65, HEX.parseHex("00000001")));
        request.addAttribute(new RadiusAttribute(66, "203.0.113.10".getBytes()));
        VendorSpecificAttribute microsoft = new VendorSpecificAttribute(311);
        RadiusAttribute rasVendor = new RadiusAttribute(9, HEX.parseHex("00000137"));
        rasVendor.setVendorId(311);
        microsoft.addSubAttribute(rasVendor);
        request.addAttribute(microsoft);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);

        RadiusClient gateway = new RadiusClient("gateway", "10.1.255.0/27", SharedSecret.of(SECRET), null, true);
        AccountingRecord record = new RequestDecoder(RadiusDictionary.load()).decodeAccounting("rq-1",
                out.toByteArray(), gateway, new InetSocketAddress("10.1.255.4", 1813));
        assertNotNull(record);
        assertEquals("Virtual", record.attribute("NAS-Port-Type").orElseThrow());
        assertEquals("Framed-User", record.attribute("Service-Type").orElseThrow());
        assertEquals("PPP", record.attribute("Framed-Protocol").orElseThrow());
        assertEquals("ESP", record.attribute("Tunnel-Type").orElseThrow());
        assertEquals("IPv4", record.attribute("Tunnel-Medium-Type").orElseThrow());
        assertEquals("203.0.113.10", record.attribute("Tunnel-Client-Endpoint").orElseThrow());
        assertEquals("311", record.attribute("MS-RAS-Vendor").orElseThrow());
    }

    @Test
    void interimUpdatesAreNamedAsRfc2866NamesThem() throws Exception {
        AccountingRequest request = new AccountingRequest("alice", 3);
        request.setPacketIdentifier(2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        RadiusClient gateway = new RadiusClient("gateway", "10.1.255.0/27", SharedSecret.of(SECRET), null, true);
        AccountingRecord record = new RequestDecoder(RadiusDictionary.load()).decodeAccounting("rq-2",
                out.toByteArray(), gateway, new InetSocketAddress("10.1.255.4", 1813));
        assertEquals("Interim-Update", record.attribute("Acct-Status-Type").orElseThrow());
    }

    @Test
    void vlanAssignmentRepliesEncodeWithTagZero() {
        ReplyEncoder encoder = new ReplyEncoder(RadiusDictionary.load());
        assertArrayEquals(HEX.parseHex("40060000000d" + "41060000000" + "6" + "5104" + "3130"), encoder.encode(List.of(
                new ReplyAttribute("Tunnel-Type", "VLAN"), new ReplyAttribute("Tunnel-Medium-Type", "IEEE-802"),
                new ReplyAttribute("Tunnel-Private-Group-ID", "10")), new byte[] {1}, new byte[16]));
    }

    /** The packet with these raw attribute bytes appended, its length field set to match. */
    static byte[] appended(byte[] packet, String hexAttributes) {
        byte[] extra = HEX.parseHex(hexAttributes);
        byte[] result = java.util.Arrays.copyOf(packet, packet.length + extra.length);
        System.arraycopy(extra, 0, result, packet.length, extra.length);
        result[2] = (byte) (result.length >> 8);
        result[3] = (byte) result.length;
        return result;
    }

    /** A Microsoft VSA whose inner sub-attribute runs past its end, and a NAS-Port (integer) of two octets. */
    private static final String UNDECODABLE = "1a09" + "00000137" + "090a00" + "0504" + "0001";

    private static final RadiusClient GATEWAY =
            new RadiusClient("gateway", "10.1.255.0/27", SharedSecret.of(SECRET), null, true);

    @Test
    void attributesTheDictionaryCannotDecodeAreIgnoredNotFatal() throws Exception {
        org.tinyradius.packet.AccessRequest request = new org.tinyradius.packet.AccessRequest("alice", "right");
        request.setPacketIdentifier(3);
        request.addAttribute("NAS-Identifier", "gw-1");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        byte[] packet = appended(out.toByteArray(), UNDECODABLE);
        assertNull(RadiusWire.checkStructure(packet, packet.length), "well-formed RADIUS");
        assertThrows(Exception.class, () -> org.tinyradius.packet.RadiusPacket.decodeRequestPacket(
                RadiusDictionary.load(), new java.io.ByteArrayInputStream(packet), SECRET),
                "the dictionary alone refuses this packet");

        RequestDecoder.Result result = new RequestDecoder(RadiusDictionary.load()).decode("rq-3", packet, GATEWAY,
                new InetSocketAddress("10.1.255.4", 1812));
        assertNull(result.drop());
        assertEquals("right", ((org.radmfa.api.PapCredentials) result.request().credentials()).password());
        assertTrue(result.request().attributes().stream().anyMatch(a -> a.name().equals("NAS-Identifier")
                && a.value().equals("gw-1")));
    }

    @Test
    void accountingWithAttributesTheDictionaryCannotDecodeIsStored() throws Exception {
        AccountingRequest request = new AccountingRequest("alice", AccountingRequest.ACCT_STATUS_TYPE_START);
        request.setPacketIdentifier(4);
        request.addAttribute("Acct-Session-Id", "s-4");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        byte[] packet = appended(out.toByteArray(), UNDECODABLE);
        TinyRadiusReferenceDecoder.signAccountingRequest(packet,
                SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        AccountingRecord record = new RequestDecoder(RadiusDictionary.load()).decodeAccounting("ac-4", packet,
                GATEWAY, new InetSocketAddress("10.1.255.4", 1813));
        assertNotNull(record);
        assertEquals("s-4", record.attribute("Acct-Session-Id").orElseThrow());
    }

    /** MS-CHAP v1 (RFC 2548): MS-CHAP-Challenge (8 octets) and MS-CHAP-Response (50 octets), as radtest -t mschap. */
    static byte[] msChapV1(String user, String secret) throws Exception {
        org.tinyradius.packet.AccessRequest request = new org.tinyradius.packet.AccessRequest();
        request.setPacketIdentifier(5);
        request.setUserName(user);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Encoded without credentials: TinyRadius encodes what it is given; the VSA is appended raw.
        request.encodeRequestPacket(out, secret);
        return appended(out.toByteArray(), "1a10" + "00000137" + "0b0a" + "0102030405060708"
                + "1a3a" + "00000137" + "0134" + "0001" + "00".repeat(24) + "11".repeat(24));
    }

    @Test
    void msChapV1IsToBeRejectedNotDropped() throws Exception {
        RequestDecoder.Result result = new RequestDecoder(RadiusDictionary.load()).decode("rq-5",
                msChapV1("alice", SECRET), GATEWAY, new InetSocketAddress("10.1.255.4", 1812));
        assertNull(result.drop());
        assertNotNull(result.unsupported());
        assertEquals("alice", result.unsupported().userName());
        assertTrue(result.unsupported().method().startsWith("MS-CHAP v1"), result.unsupported().method());
    }

    /**
     * An MS-CHAPv2 password change as RFC 2548 section 2.3.5 carries it: MS-CHAP-Challenge, MS-CHAP2-CPW and the
     * encrypted password in MS-CHAP-NT-Enc-PW fragments, here sent out of order; none of them is an attribute for
     * policies.
     */
    @Test
    void msChapV2PasswordChangeIsReassembledFromItsFragments() throws Exception {
        byte[] encrypted = new byte[516];
        for (int i = 0; i < encrypted.length; i++) {
            encrypted[i] = (byte) i;
        }
        String cpw = "07" + "2a" + "11".repeat(16) + "22".repeat(16) + "00".repeat(8) + "33".repeat(24) + "0000";
        String attributes = vsa(11, "44".repeat(16)) + vsa(27, cpw)
                + vsa(6, "062a0002" + HEX.formatHex(encrypted, 240, 480))
                + vsa(6, "062a0001" + HEX.formatHex(encrypted, 0, 240))
                + vsa(6, "062a0003" + HEX.formatHex(encrypted, 480, 516));
        RequestDecoder.Result result = new RequestDecoder(RadiusDictionary.load()).decode("rq-7",
                appended(withUserName("frank"), attributes), GATEWAY, new InetSocketAddress("10.1.255.4", 1812));
        assertNull(result.drop());
        org.radmfa.api.MsChapV2PasswordChange change =
                (org.radmfa.api.MsChapV2PasswordChange) result.request().credentials();
        assertArrayEquals(encrypted, change.encryptedPassword());
        assertEquals("11".repeat(16), HEX.formatHex(change.encryptedHash()));
        assertEquals(0x2a, change.response().ident());
        assertEquals("22".repeat(16), HEX.formatHex(change.response().peerChallenge()));
        assertEquals("33".repeat(24), HEX.formatHex(change.response().ntResponse()));
        assertEquals("44".repeat(16), HEX.formatHex(change.response().authenticatorChallenge()));
        assertEquals(org.radmfa.api.AuthMethod.MSCHAPV2, change.method());
        assertTrue(result.request().attributes().stream().noneMatch(a -> a.name().startsWith("MS-CHAP")),
                result.request().attributes().toString());

        // A fragment missing: 276 octets, not 516. Dropped as without credentials, never guessed.
        String incomplete = vsa(11, "44".repeat(16)) + vsa(27, cpw)
                + vsa(6, "062a0001" + HEX.formatHex(encrypted, 0, 240))
                + vsa(6, "062a0003" + HEX.formatHex(encrypted, 480, 516));
        assertEquals(DropReason.NO_CREDENTIALS, new RequestDecoder(RadiusDictionary.load()).decode("rq-8",
                appended(withUserName("frank"), incomplete), GATEWAY, new InetSocketAddress("10.1.255.4", 1812))
                .drop());
    }

    private static byte[] withUserName(String user) throws Exception {
        org.tinyradius.packet.AccessRequest request = new org.tinyradius.packet.AccessRequest();
        request.setPacketIdentifier(7);
        request.setUserName(user);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        return out.toByteArray();
    }

    /** A Microsoft (311) Vendor-Specific attribute with one sub-attribute, as hex. */
    private static String vsa(int type, String valueHex) {
        int valueLength = valueHex.length() / 2;
        return String.format("1a%02x00000137%02x%02x", valueLength + 8, type, valueLength + 2) + valueHex;
    }
}
