package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.radmfa.api.ReplyAttribute;

class ReplyEncoderTest {
    private final ReplyEncoder encoder = new ReplyEncoder(RadiusDictionary.load());

    private byte[] encode(String name, String value) {
        return encoder.encode(List.of(new ReplyAttribute(name, value)), new byte[] {1}, new byte[16]);
    }

    @Test
    void standardVendorAndRawAttributesEncodeAsOnTheWire() {
        HexFormat hex = HexFormat.of();
        assertArrayEquals(hex.parseHex("1b0600000e10"), encode("Session-Timeout", "3600"));
        assertArrayEquals(hex.parseHex("08060a000005"), encode("Framed-IP-Address", "10.0.0.5"));
        // Vendor-Specific(26), length, vendor 12356, Fortinet-Group-Name(1), length, "vpn"
        assertArrayEquals(hex.parseHex("1a0b00003044" + "0105" + "76706e"), encode("Fortinet-Group-Name", "vpn"));
        assertArrayEquals(hex.parseHex("1a0b00003044" + "0105" + "76706e"), encode("Vendor-12356-Attr-1", "vpn"));
        assertArrayEquals(hex.parseHex("1a0c00000009" + "0106" + "abcdef01"), encode("Vendor-9-Attr-1",
                "0xabcdef01"));
    }

    /** Written without TinyRadius's attribute objects: the same bytes as TinyRadius's own for these types. */
    @Test
    void standardTextAndOctetsEncodeAsTinyRadiusWritesThem() {
        org.tinyradius.dictionary.Dictionary dictionary = RadiusDictionary.load();
        for (String[] reply : new String[][] {{"Class", "radmfa:6f1c2a"}, {"Reply-Message", "Grüße ✓"},
            {"State", "0x00ff10"}, {"State", "not hex"}, {"Filter-Id", "0x41"}, {"Attr-250", "0xbeef"},
            {"Attr-251", "raw"}, {"Class", ""}}) {
            org.tinyradius.attribute.RadiusAttribute expected = org.tinyradius.attribute.RadiusAttribute
                    .createRadiusAttribute(dictionary, -1, reply[0].startsWith("Attr-")
                            ? Integer.parseInt(reply[0].substring(5)) : dictionary.getAttributeTypeByName(reply[0])
                                    .getTypeCode());
            boolean octets = expected.getClass() == org.tinyradius.attribute.RadiusAttribute.class;
            expected.setAttributeData(octets && reply[1].startsWith("0x") ? HexFormat.of().parseHex(reply[1]
                    .substring(2)) : reply[1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertArrayEquals(expected.writeAttribute(), encode(reply[0], reply[1]), String.join("=", reply));
        }
        assertArrayEquals(new byte[0], encode("Class", "x".repeat(254)), "too long: left out");
    }

    @Test
    void aRememberedEncodingIsTheSameAndHiddenKeysAreHiddenAfreshEachTime() {
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(hex.parseHex("1b0600000e10"), encode("Session-Timeout", "3600"), "round " + i);
        }
        String key = "0x" + "11".repeat(16);
        byte[] first = encode("MS-MPPE-Send-Key", key);
        byte[] second = encode("MS-MPPE-Send-Key", key);
        byte[] third = encode("MS-MPPE-Send-Key", key);
        assertEquals(first.length, second.length);
        // A 15-bit random salt: two answers may share one by chance (1 in 32,768), three hardly.
        assertFalse(java.util.Arrays.equals(first, second) && java.util.Arrays.equals(second, third),
                "a new salt, so new ciphertext, for every answer");
    }

    @Test
    void problemsAreNamedBeforeAnythingIsSent() {
        assertNull(encoder.problem("Session-Timeout", "3600"));
        assertNull(encoder.problem("PaloAlto-User-Group", "vpn-users"));
        assertNull(encoder.problem("Cisco-AVPair", "ip:addr-pool=vpn"));
        assertTrue(encoder.problem("Sesion-Timeout", "3600").contains("not in the dictionary"));
        assertTrue(encoder.problem("Session-Timeout", "an hour").contains("not a valid value"));
        assertTrue(encoder.problem("Framed-IP-Address", "10.0.0.300").contains("not a valid value"));
        assertTrue(encoder.problem("Attr-26", "x").contains("not in the dictionary"), "raw Vendor-Specific refused");
        assertTrue(encoder.problem("Reply-Message", "x".repeat(300)).contains("not a valid value"));
    }
}
