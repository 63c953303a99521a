package org.radmfa.vault.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AesGcmVaultTest {

    @Test
    void sealsAndOpensWithTheKeyItCreatedForItsOwnerOnly(@TempDir Path directory) throws Exception {
        Path keyFile = directory.resolve("etc").resolve("radmfa-vault.key");
        AesGcmVault vault = new AesGcmVault(keyFile);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        String sealed = vault.seal("correct horse");
        assertTrue(sealed.startsWith(AesGcmVault.PREFIX));
        assertFalse(sealed.contains("correct"));
        assertFalse(sealed.equals(vault.seal("correct horse")), "a fresh IV each time");
        assertEquals("correct horse", new AesGcmVault(keyFile).open(sealed), "the same key after a restart");
    }

    @Test
    void anotherKeyOrATamperedValueIsRefused(@TempDir Path directory) throws Exception {
        String sealed = new AesGcmVault(directory.resolve("a.key")).seal("pw");
        AesGcmVault other = new AesGcmVault(directory.resolve("b.key"));
        assertThrows(IllegalArgumentException.class, () -> other.open(sealed));
        AesGcmVault same = new AesGcmVault(directory.resolve("a.key"));
        String tampered = sealed.substring(0, sealed.length() - 4) + "AAA=";
        assertThrows(IllegalArgumentException.class, () -> same.open(tampered));
        assertThrows(IllegalArgumentException.class, () -> same.open("pw"));
    }
}
