package org.radmfa.directory.local.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.junit.jupiter.api.Test;

class Pbkdf2Sha256Test {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 7914, section 11: the PBKDF2-HMAC-SHA256 vectors; a hash holds their first block. */
    @Test
    void rfc7914Vectors() {
        assertEquals("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
                HEX.formatHex(Pbkdf2Sha256.derive(bytes("passwd"), bytes("salt"), 1)));
        assertEquals("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56",
                HEX.formatHex(Pbkdf2Sha256.derive(bytes("Password"), bytes("NaCl"), 80_000)));
    }

    /**
     * An empty password, passwords as long as a SHA-256 block and longer (then HMAC hashes the key first), and beyond
     * ASCII.
     */
    @Test
    void agreesWithTheJdksPbkdf2() throws Exception {
        Random random = new Random(7);
        String[] passwords = {"", "a", "demo-password", "pässwörd-€-😀", "x".repeat(63), "y".repeat(64),
                "z".repeat(65), "long ".repeat(40)};
        for (String password : passwords) {
            byte[] salt = new byte[8 + random.nextInt(24)];
            random.nextBytes(salt);
            int iterations = 1 + random.nextInt(3_000);
            byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
            assertArrayEquals(expected, Pbkdf2Sha256.derive(bytes(password), salt, iterations),
                    password.length() + " characters, " + iterations + " iterations");
        }
    }

    @Test
    void refusesNoIterations() {
        assertThrows(IllegalArgumentException.class, () -> Pbkdf2Sha256.derive(bytes("a"), bytes("salt"), 0));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
