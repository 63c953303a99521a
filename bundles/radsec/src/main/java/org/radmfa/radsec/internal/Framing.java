package org.radmfa.radsec.internal;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * RFC 6614 section 2.5: over TLS, RADIUS packets follow each other with nothing in between; each one's Length field
 * (octets 3 and 4) says where it ends. A Length outside 20-4096 (RFC 2865 section 3) means the stream has lost
 * its framing, and the connection must be closed.
 */
final class Framing {
    static final int MIN_LENGTH = 20;
    static final int MAX_LENGTH = 4096;

    private Framing() {
    }

    /**
     * Hands every complete packet at the start of {@code buffer} (in read mode) to {@code packets} and leaves the
     * buffer positioned at the first incomplete one.
     *
     * @return false when a Length field is invalid (the rest of the stream cannot be framed)
     */
    static boolean split(ByteBuffer buffer, Consumer<byte[]> packets) {
        while (buffer.remaining() >= 4) {
            int start = buffer.position();
            int length = ((buffer.get(start + 2) & 0xFF) << 8) | (buffer.get(start + 3) & 0xFF);
            if (length < MIN_LENGTH || length > MAX_LENGTH) {
                return false;
            }
            if (buffer.remaining() < length) {
                return true;
            }
            byte[] packet = new byte[length];
            buffer.get(packet);
            packets.accept(packet);
        }
        return true;
    }
}
