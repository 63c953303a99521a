package org.radmfa.clients.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class AddressMatcherTest {

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void gatewaySubnetMatchesItsHostsOnly() throws Exception {
        AddressMatcher subnet = AddressMatcher.parse("10.1.255.0/27");
        assertTrue(subnet.matches(ip("10.1.255.4")));
        assertTrue(subnet.matches(ip("10.1.255.31")));
        assertFalse(subnet.matches(ip("10.1.255.32")));
        assertFalse(subnet.matches(ip("10.1.254.4")));
        assertEquals(27, subnet.prefixLength());
    }

    @Test
    void singleAddressesAndIpv6() throws Exception {
        assertTrue(AddressMatcher.parse("127.0.0.1").matches(ip("127.0.0.1")));
        assertFalse(AddressMatcher.parse("127.0.0.1").matches(ip("127.0.0.2")));
        AddressMatcher v6 = AddressMatcher.parse("fd00:1::/64");
        assertTrue(v6.matches(ip("fd00:1::42")));
        assertFalse(v6.matches(ip("fd00:2::42")));
        assertFalse(v6.matches(ip("10.0.0.1")));
    }

    @Test
    void dnsNameResolvesAtParseTime() throws Exception {
        assertTrue(AddressMatcher.parse("localhost").matches(ip("127.0.0.1")));
    }

    @Test
    void badSpecsAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AddressMatcher.parse("10.1.255.0/33"))
                .getMessage().contains("out of range 0..32"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AddressMatcher.parse("10.1.255.4/27"))
                .getMessage().contains("did you mean '10.1.255.0/27'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AddressMatcher.parse("10.1.255.0/x"))
                .getMessage().contains("not a number"));
        assertThrows(IllegalArgumentException.class, () -> AddressMatcher.parse("300.1.1.1"));
        assertThrows(IllegalArgumentException.class, () -> AddressMatcher.parse("no such host!"));
    }
}
