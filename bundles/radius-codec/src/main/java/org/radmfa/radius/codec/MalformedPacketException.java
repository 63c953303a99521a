package org.radmfa.radius.codec;

import java.io.IOException;

/** A datagram that is not a well-formed RADIUS packet: its Length field or an attribute's length does not fit. */
public final class MalformedPacketException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedPacketException(String message) {
        super(message);
    }
}
