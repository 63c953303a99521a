package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

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
}
