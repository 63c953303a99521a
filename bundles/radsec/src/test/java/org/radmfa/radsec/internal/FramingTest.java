package org.radmfa.radsec.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class FramingTest {

    private static byte[] packet(int identifier, int length) {
        byte[] packet = new byte[length];
        packet[0] = 1;
        packet[1] = (byte) identifier;
        packet[2] = (byte) (length >> 8);
        packet[3] = (byte) length;
        return packet;
    }

    @Test
    void splitsBackToBackPacketsAndKeepsAPartialOne() {
        ByteBuffer buffer = ByteBuffer.allocate(200);
        buffer.put(packet(1, 20)).put(packet(2, 40)).put(packet(3, 30), 0, 10).flip();
        List<byte[]> packets = new ArrayList<>();
        assertTrue(Framing.split(buffer, packets::add));
        assertEquals(2, packets.size());
        assertEquals(40, packets.get(1).length);
        assertEquals(10, buffer.remaining(), "the partial third stays");
    }

    @Test
    void refusesALengthOutOfRange() {
        for (int length : new int[] {0, 19, 4097, 65535}) {
            ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 1, (byte) (length >> 8), (byte) length});
            assertFalse(Framing.split(buffer, packet -> { }), "length " + length);
        }
    }
}
