package org.radmfa.mfa.otp.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

class TerminalQrCodeTest {
    private static final String URI = "otpauth://totp/radmfa:alice%40corp.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
            + "&issuer=radmfa&algorithm=SHA1&digits=6&period=30";

    /**
     * Reads the drawing back the way a phone would: pixels of a terminal (its background all around the drawing),
     * then ZXing's own QR detector and decoder.
     */
    private static String scan(String drawing, boolean lightTerminal) throws Exception {
        List<String> lines = drawing.lines().toList();
        int border = 4;
        int width = lines.get(0).length() + 2 * border;
        int height = lines.size() * 2 + 2 * border;
        int scale = 4;
        boolean[][] light = new boolean[height][width];
        for (boolean[] row : light) {
            java.util.Arrays.fill(row, lightTerminal);
        }
        for (int row = 0; row < lines.size(); row++) {
            String line = lines.get(row);
            assertEquals(lines.get(0).length(), line.length(), "every line as wide as the first");
            for (int x = 0; x < line.length(); x++) {
                char c = line.charAt(x);
                // Ink is light on a dark terminal and dark on a light one; the rest is the terminal's background.
                light[border + row * 2][border + x] = (c == '\u2588' || c == '\u2580') != lightTerminal;
                light[border + row * 2 + 1][border + x] = (c == '\u2588' || c == '\u2584') != lightTerminal;
            }
        }
        int[] pixels = new int[width * scale * height * scale];
        for (int i = 0; i < pixels.length; i++) {
            int x = (i % (width * scale)) / scale;
            int y = (i / (width * scale)) / scale;
            pixels[i] = light[y][x] ? 0xFFFFFF : 0x000000;
        }
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(
                new RGBLuminanceSource(width * scale, height * scale, pixels)));
        return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
    }

    @Test
    void aDarkTerminalDrawingScansBackToTheUri() throws Exception {
        assertEquals(URI, scan(TerminalQrCode.render(URI, false), false));
    }

    @Test
    void aLightTerminalDrawingScansBackToTheUri() throws Exception {
        assertEquals(URI, scan(TerminalQrCode.render(URI, true), true));
    }
}
