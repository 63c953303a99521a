package org.radmfa.directory.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

class PasswordHashTest {
    /** Made by Python's hashlib.pbkdf2_hmac, the same hash the demo user ships with. */
    private static final String DEMO =
            "$pbkdf2-sha256$100000$Czy3uK2FrmiCQfoYWF8xvQ==$nMtKdh0ygk1PXhXAemdpJSqgvAT8ejyHigLTnRcF43Q=";

    @Test
    void verifiesAHashMadeElsewhere() {
        PasswordHash hash = PasswordHash.parse(DEMO);
        assertTrue(hash.verify("demo-password"));
        assertFalse(hash.verify("demo-passwor"));
        assertEquals(DEMO, hash.encoded());
    }

    @Test
    void createdHashesAreSaltedAndVerify() {
        PasswordHash first = PasswordHash.create("s3cret", new SecureRandom());
        PasswordHash second = PasswordHash.create("s3cret", new SecureRandom());
        assertFalse(first.encoded().equals(second.encoded()));
        assertTrue(PasswordHash.parse(first.encoded()).verify("s3cret"));
        assertFalse(first.toString().contains("s3cret"));
    }

    @Test
    void malformedHashesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("s3cret"));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("$pbkdf2-sha256$100000$abc"));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("$pbkdf2-sha256$10$AAAAAAAAAAA=$AAAA"));
        assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("$pbkdf2-sha256$100000$***$nMtKdh0ygk1PXhXAemdpJSqgvAT8ejyHigLTnRcF43Q="));
    }
}
