package org.radmfa.npsimport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class VendorSpecificAttributeTest {

    @Test
    void textValueWithFormatByte() {
        // Fortinet (12356 = 0x3044), Fortinet-Group-Name (1), length 2 + 9, "vpn-users"
        VendorSpecificAttribute vsa = VendorSpecificAttribute.parse("0100003044010Bvpn-users");
        assertEquals(12356, vsa.vendorId());
        assertEquals(1, vsa.type());
        assertEquals("vpn-users", vsa.value());
        assertEquals("reply.Vendor-12356-Attr-1", vsa.replyKey());
    }

    @Test
    void textValueWithoutFormatByte() {
        VendorSpecificAttribute vsa = VendorSpecificAttribute.parse("000000090113shell:roles=admin");
        assertEquals(9, vsa.vendorId());
        assertEquals(1, vsa.type());
        assertEquals("shell:roles=admin", vsa.value());
    }

    @Test
    void hexValue() {
        // Microsoft (311 = 0x137), type 7, 4 octets
        VendorSpecificAttribute vsa = VendorSpecificAttribute.parse("02000001370706 00000002".replace(" ", ""));
        assertEquals(311, vsa.vendorId());
        assertEquals(7, vsa.type());
        assertEquals("0x00000002", vsa.value());
    }

    @Test
    void aLengthThatDoesNotFitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> VendorSpecificAttribute.parse("0100003044012Fshort"));
        assertThrows(IllegalArgumentException.class, () -> VendorSpecificAttribute.parse("not hex at all"));
        assertThrows(IllegalArgumentException.class, () -> VendorSpecificAttribute.parse("0000"));
    }
}
