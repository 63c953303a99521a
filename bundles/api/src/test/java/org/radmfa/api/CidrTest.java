package org.radmfa.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void anAzureGatewaySubnetContainsItsInstancesAndNothingElse() throws Exception {
        Cidr gateway = Cidr.parse("10.1.255.0/27");

        assertTrue(gateway.contains(InetAddress.getByName("10.1.255.4")));
        assertTrue(gateway.contains(InetAddress.getByName("10.1.255.31")));
        assertFalse(gateway.contains(InetAddress.getByName("10.1.255.32")));
        assertFalse(gateway.contains(InetAddress.getByName("10.1.254.4")));
        assertEquals(27, gateway.prefixLength());
        assertEquals("10.1.255.0/27", gateway.toString());
    }

    @Test
    void aSingleAddressIsAHostRoute() throws Exception {
        Cidr host = Cidr.parse(" 192.0.2.7 ");

        assertEquals(32, host.prefixLength());
        assertTrue(host.contains(InetAddress.getByName("192.0.2.7")));
        assertFalse(host.contains(InetAddress.getByName("192.0.2.8")));
    }

    @Test
    void ipv6SubnetsMatchOnlyIpv6Addresses() throws Exception {
        Cidr v6 = Cidr.parse("fd00:1::/64");

        assertTrue(v6.contains(InetAddress.getByName("fd00:1::42")));
        assertFalse(v6.contains(InetAddress.getByName("fd00:2::42")));
        assertFalse(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("::1")), "v4 any is not v6");
        assertTrue(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9")));
    }

    @Test
    void hostBitsSetAreRefusedWithTheSubnetMeant() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Cidr.parse("10.1.255.4/27"));

        assertEquals("'10.1.255.4/27' has host bits set; did you mean '10.1.255.0/27'?", refused.getMessage());
    }

    @Test
    void badPrefixLengthsSayWhy() {
        assertEquals("'10.0.0.0/33' is not a CIDR subnet: prefix length 33 is out of range 0..32",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33")).getMessage());
        assertEquals("'10.0.0.0/x' is not a CIDR subnet: prefix length 'x' is not a number",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cidr.parse("fd00::/129")).getMessage()
                .contains("out of range 0..128"));
    }

    @Test
    void namesAndImpossibleOctetsAreNotAddressesAndNeverReachDns() {
        assertFalse(Cidr.looksLikeAddress("vpn.example.net"));
        assertFalse(Cidr.looksLikeAddress("cafe.example"));
        assertTrue(Cidr.looksLikeAddress("10.1.255.0/27"));
        assertTrue(Cidr.looksLikeAddress("fd00::1"));
        assertEquals("'999.1.1.1' is not an IP address",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("999.1.1.1")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cidr.parse("gw.example.net/24")).getMessage()
                .contains("'gw.example.net' is not an IP address"));
    }

    @Test
    void equalityIsByNetworkAndPrefixNotByText() {
        assertEquals(Cidr.parse("10.1.255.0/27"), Cidr.parse(" 10.1.255.0/27"));
        assertEquals(Cidr.parse("10.1.255.0/27").hashCode(), Cidr.parse(" 10.1.255.0/27").hashCode());
        assertNotEquals(Cidr.parse("10.1.255.0/27"), Cidr.parse("10.1.255.0/28"));
    }
}
