package org.radmfa.directory.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordVaultTest {

    @Test
    void sealsAndOpensWithTheKeyItCreatedForItsOwnerOnly(@TempDir Path directory) throws Exception {
        Path keyFile = directory.resolve("etc").resolve("radmfa-vault.key");
        PasswordVault vault = new PasswordVault(keyFile);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        String sealed = vault.encrypt("correct horse");
        assertTrue(sealed.startsWith(PasswordVault.PREFIX));
        assertFalse(sealed.contains("correct"));
        assertFalse(sealed.equals(vault.encrypt("correct horse")), "a fresh IV each time");
        assertEquals("correct horse", new PasswordVault(keyFile).decrypt(sealed), "the same key after a restart");
    }

    @Test
    void anotherKeyOrATamperedValueIsRefused(@TempDir Path directory) throws Exception {
        String sealed = new PasswordVault(directory.resolve("a.key")).encrypt("pw");
        PasswordVault other = new PasswordVault(directory.resolve("b.key"));
        assertThrows(IllegalArgumentException.class, () -> other.decrypt(sealed));
        PasswordVault same = new PasswordVault(directory.resolve("a.key"));
        String tampered = sealed.substring(0, sealed.length() - 4) + "AAA=";
        assertThrows(IllegalArgumentException.class, () -> same.decrypt(tampered));
        assertThrows(IllegalArgumentException.class, () -> same.decrypt("pw"));
    }
}
