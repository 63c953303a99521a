package org.radmfa.proxy.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestAttribute;

class AttributeCodecTest {
    private final AttributeCodec codec = AttributeCodec.load();

    @Test
    void valuesTravelAsTheirOctets() {
        assertArrayEquals(new byte[] {0, 0, 0, 2}, codec.encode(new RequestAttribute(0, 6, "Service-Type",
                "Framed-User")));
        assertArrayEquals(new byte[] {10, 0, 0, 1}, codec.encode(new RequestAttribute(0, 4, "NAS-IP-Address",
                "10.0.0.1")));
        assertArrayEquals("gw-1".getBytes(StandardCharsets.UTF_8), codec.encode(new RequestAttribute(0, 32,
                "NAS-Identifier", "gw-1")));
        assertArrayEquals(new byte[] {1, 2, (byte) 0xff}, codec.encode(new RequestAttribute(0, 24, "State",
                "0x0102ff")));
        assertArrayEquals(new byte[] {9}, codec.encode(new RequestAttribute(0, 240, "Attr-240", "0x09")));
    }

    @Test
    void answersAreNamedSoThatTheTransportEncodesTheSameOctets() {
        assertEquals(new ReplyAttribute("Session-Timeout", "3600"), codec.decode(0, 27, new byte[] {0, 0, 14, 16}));
        assertEquals(new ReplyAttribute("Reply-Message", "Hello"), codec.decode(0, 18,
                "Hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals(new ReplyAttribute("Attr-25", "0xff00"), codec.decode(0, 25, new byte[] {(byte) 0xff, 0}),
                "binary in a string attribute travels raw, not as mangled text");
        assertEquals(new ReplyAttribute("MS-CHAP2-Success", "0x01"), codec.decode(311, 26, new byte[] {1}));
        assertEquals(new ReplyAttribute("Vendor-9999-Attr-1", "0x0102"), codec.decode(9999, 1, new byte[] {1, 2}));
    }
}
