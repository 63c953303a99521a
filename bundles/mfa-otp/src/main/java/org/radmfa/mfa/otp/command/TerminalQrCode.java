package org.radmfa.mfa.otp.command;

import java.util.Map;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

/**
 * A QR code drawn with Unicode half blocks, two module rows per text line, so that a phone can scan an
 * {@code otpauth://} URI straight off an SSH session. Drawn for a dark terminal: light modules are printed, dark ones
 * are the background; {@code inverted} draws for a light terminal.
 */
final class TerminalQrCode {
    private static final int QUIET_ZONE = 2;

    private TerminalQrCode() {
    }

    static String render(String text, boolean inverted) throws WriterException {
        // Size 0 gives one matrix cell per module; the quiet zone is drawn here.
        BitMatrix modules = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 0));
        int size = modules.getWidth();
        StringBuilder out = new StringBuilder();
        for (int y = -QUIET_ZONE; y < size + QUIET_ZONE; y += 2) {
            for (int x = -QUIET_ZONE; x < size + QUIET_ZONE; x++) {
                boolean upper = printed(modules, x, y, inverted);
                boolean lower = y + 1 < size + QUIET_ZONE && printed(modules, x, y + 1, inverted);
                out.append(upper ? (lower ? '\u2588' : '\u2580') : (lower ? '\u2584' : ' '));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Whether this cell is drawn as ink: the light cells (dark terminal) or the dark ones (light terminal). */
    private static boolean printed(BitMatrix modules, int x, int y, boolean inverted) {
        boolean dark = x >= 0 && y >= 0 && x < modules.getWidth() && y < modules.getHeight() && modules.get(x, y);
        return inverted == dark;
    }
}
