package org.radmfa.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SharedSecretTest {

    @Test
    void printsAsItsFingerprintNeverAsItself() {
        SharedSecret secret = SharedSecret.of("testing123");

        assertFalse(secret.toString().contains("testing123"));
        assertFalse(String.valueOf(secret).contains("testing123"));
        // SHA-256("testing123") begins b822f1cd: the first four bytes, as both sides of a link can compute.
        assertEquals("b822f1cd", secret.fingerprint());
        assertEquals("SharedSecret[sha256:b822f1cd]", secret.toString());
    }

    @Test
    void bytesAreUtf8AndACopy() {
        SharedSecret secret = SharedSecret.of("clé");
        byte[] bytes = secret.bytes();
        bytes[0] = 0;

        assertArrayEquals("clé".getBytes(StandardCharsets.UTF_8), secret.bytes());
        assertEquals("clé", secret.reveal());
    }

    @Test
    void emptyOrMissingSecretsAreRefused() {
        assertEquals("a shared secret must not be empty",
                assertThrows(IllegalArgumentException.class, () -> SharedSecret.of("")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> SharedSecret.of(null));
    }

    @Test
    void equalByValue() {
        assertEquals(SharedSecret.of("a-secret"), SharedSecret.of("a-secret"));
        assertEquals(SharedSecret.of("a-secret").hashCode(), SharedSecret.of("a-secret").hashCode());
        assertNotEquals(SharedSecret.of("a-secret"), SharedSecret.of("a-secreT"));
    }
}
