package org.radmfa.radius.codec;

import java.util.HexFormat;

/** Hex strings as they are printed in the RFCs, spaces allowed. */
final class Hex {
    private Hex() {
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }
}
