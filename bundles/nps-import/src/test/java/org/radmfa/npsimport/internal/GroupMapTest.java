package org.radmfa.npsimport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupMapTest {

    @Test
    void sidsAreLookedUpWithoutCase(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("groups.txt");
        Files.writeString(file, "# comment\n\nS-1-5-21-1-2-3-1105 = VPN Users\ns-1-5-21-1-2-3-1106=staff\n");
        GroupMap map = GroupMap.read(file);
        assertEquals(Optional.of("VPN Users"), map.name("s-1-5-21-1-2-3-1105"));
        assertEquals(Optional.of("staff"), map.name("S-1-5-21-1-2-3-1106"));
        assertEquals(Optional.empty(), map.name("S-1-5-21-1-2-3-1107"));
    }

    @Test
    void aBadLineNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("groups.txt");
        Files.writeString(file, "S-1-5-21-1-2-3-1105 = vpn\nvpn-users = S-1-5-21-1-2-3-1105\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GroupMap.read(file));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        Files.writeString(file, "S-1-5-21-1-2-3-1105 = a, b\n");
        assertThrows(IllegalArgumentException.class, () -> GroupMap.read(file));
        Files.writeString(file, "S-1-5-21-1-2-3-1105 = a\nS-1-5-21-1-2-3-1105 = b\n");
        assertThrows(IllegalArgumentException.class, () -> GroupMap.read(file));
    }
}
