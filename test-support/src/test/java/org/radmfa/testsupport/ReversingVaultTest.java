package org.radmfa.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReversingVaultTest {
    private final ReversingVault vault = new ReversingVault();

    @Test
    void whatItSealsItOpens() {
        String sealed = vault.seal("s3cret");
        assertTrue(sealed.startsWith("{aes-gcm}"));
        assertNotEquals("{aes-gcm}s3cret", sealed, "the secret does not show as it is");
        assertEquals("s3cret", vault.open(sealed));
    }

    @Test
    void aClearTextIsNotOpened() {
        assertThrows(IllegalArgumentException.class, () -> vault.open("s3cret"));
    }
}
