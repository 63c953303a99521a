package org.radmfa.eap.tls.internal;

import java.util.Arrays;

/**
 * An EAP-TLS packet (RFC 5216 section 3.1): Code, Identifier, Length, Type 13, Flags (L = length included, M = more
 * fragments, S = start), the TLS Message Length when L is set, then TLS data.
 *
 * @param identifier the EAP Identifier
 * @param flags the flag octet
 * @param messageLength the TLS Message Length when L is set, otherwise -1
 * @param data the TLS data of this fragment
 */
record EapTlsPacket(int identifier, int flags, long messageLength, byte[] data) {
    static final int TYPE_TLS = 13;
    static final int TYPE_PEAP = 25;
    static final int FLAG_LENGTH = 0x80;
    static final int FLAG_MORE = 0x40;
    static final int FLAG_START = 0x20;
    private static final int EAP_REQUEST = 1;
    private static final int EAP_RESPONSE = 2;

    boolean more() {
        return (flags & FLAG_MORE) != 0;
    }

    /** An empty response without M: the peer's acknowledgement of a fragment, or of the final server flight. */
    boolean acknowledgement() {
        return data.length == 0 && (flags & (FLAG_MORE | FLAG_LENGTH)) == 0;
    }

    /**
     * Parses an EAP-Response of this type; null when it is not one or is malformed (lengths that disagree), so that
     * the datagram is dropped.
     */
    static EapTlsPacket parseResponse(byte[] packet, int type) {
        if (packet.length < 6 || (packet[0] & 0xFF) != EAP_RESPONSE || (packet[4] & 0xFF) != type
                || (((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF)) != packet.length) {
            return null;
        }
        int flags = packet[5] & 0xFF;
        int offset = 6;
        long messageLength = -1;
        if ((flags & FLAG_LENGTH) != 0) {
            if (packet.length < 10) {
                return null;
            }
            messageLength = ((packet[6] & 0xFFL) << 24) | ((packet[7] & 0xFF) << 16) | ((packet[8] & 0xFF) << 8)
                    | (packet[9] & 0xFF);
            offset = 10;
        }
        return new EapTlsPacket(packet[1] & 0xFF, flags, messageLength, Arrays.copyOfRange(packet, offset,
                packet.length));
    }

    /** An EAP-Request of this type; the TLS Message Length is written when {@code totalLength >= 0}. */
    static byte[] request(int identifier, int type, int flags, long totalLength, byte[] data, int from, int to) {
        boolean withLength = totalLength >= 0;
        int length = 6 + (withLength ? 4 : 0) + (to - from);
        byte[] packet = new byte[length];
        packet[0] = EAP_REQUEST;
        packet[1] = (byte) identifier;
        packet[2] = (byte) (length >> 8);
        packet[3] = (byte) length;
        packet[4] = (byte) type;
        packet[5] = (byte) (flags | (withLength ? FLAG_LENGTH : 0));
        int offset = 6;
        if (withLength) {
            packet[6] = (byte) (totalLength >> 24);
            packet[7] = (byte) (totalLength >> 16);
            packet[8] = (byte) (totalLength >> 8);
            packet[9] = (byte) totalLength;
            offset = 10;
        }
        System.arraycopy(data, from, packet, offset, to - from);
        return packet;
    }
}
