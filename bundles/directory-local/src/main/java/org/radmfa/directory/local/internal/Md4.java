package org.radmfa.directory.local.internal;

/**
 * MD4 (RFC 1320), which MS-CHAP needs for the NT password hash and which Java runtimes do not offer as a
 * registered algorithm. Used only for that: MD4 is not a hash to protect anything new with.
 */
final class Md4 {

    private Md4() {
    }

    static byte[] digest(byte[] message) {
        long bitLength = (long) message.length * 8;
        int padded = ((message.length + 8) / 64 + 1) * 64;
        byte[] block = new byte[padded];
        System.arraycopy(message, 0, block, 0, message.length);
        block[message.length] = (byte) 0x80;
        for (int i = 0; i < 8; i++) {
            block[padded - 8 + i] = (byte) (bitLength >>> (8 * i));
        }
        int a = 0x67452301;
        int b = 0xefcdab89;
        int c = 0x98badcfe;
        int d = 0x10325476;
        int[] x = new int[16];
        for (int offset = 0; offset < padded; offset += 64) {
            for (int i = 0; i < 16; i++) {
                int p = offset + i * 4;
                x[i] = (block[p] & 0xFF) | (block[p + 1] & 0xFF) << 8 | (block[p + 2] & 0xFF) << 16
                        | (block[p + 3] & 0xFF) << 24;
            }
            int aa = a;
            int bb = b;
            int cc = c;
            int dd = d;
            for (int i : new int[] {0, 4, 8, 12}) {
                a = round1(a, b, c, d, x[i], 3);
                d = round1(d, a, b, c, x[i + 1], 7);
                c = round1(c, d, a, b, x[i + 2], 11);
                b = round1(b, c, d, a, x[i + 3], 19);
            }
            for (int i : new int[] {0, 1, 2, 3}) {
                a = round2(a, b, c, d, x[i], 3);
                d = round2(d, a, b, c, x[i + 4], 5);
                c = round2(c, d, a, b, x[i + 8], 9);
                b = round2(b, c, d, a, x[i + 12], 13);
            }
            for (int i : new int[] {0, 2, 1, 3}) {
                a = round3(a, b, c, d, x[i], 3);
                d = round3(d, a, b, c, x[i + 8], 9);
                c = round3(c, d, a, b, x[i + 4], 11);
                b = round3(b, c, d, a, x[i + 12], 15);
            }
            a += aa;
            b += bb;
            c += cc;
            d += dd;
        }
        byte[] digest = new byte[16];
        int[] words = {a, b, c, d};
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                digest[i * 4 + j] = (byte) (words[i] >>> (8 * j));
            }
        }
        return digest;
    }

    private static int round1(int a, int b, int c, int d, int x, int s) {
        return Integer.rotateLeft(a + ((b & c) | (~b & d)) + x, s);
    }

    private static int round2(int a, int b, int c, int d, int x, int s) {
        return Integer.rotateLeft(a + ((b & c) | (b & d) | (c & d)) + x + 0x5a827999, s);
    }

    private static int round3(int a, int b, int c, int d, int x, int s) {
        return Integer.rotateLeft(a + (b ^ c ^ d) + x + 0x6ed9eba1, s);
    }
}
