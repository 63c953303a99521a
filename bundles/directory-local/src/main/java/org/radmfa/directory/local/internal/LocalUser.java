package org.radmfa.directory.local.internal;

import java.util.Set;

import org.radmfa.api.DialIn;

/**
 * A user of the local store as configured: never the clear-text password.
 *
 * @param ntHash the MD4 NT hash MS-CHAPv2 needs, or null when the user may not use MS-CHAPv2
 * @param chapPassword the clear-text password CHAP needs (decrypted from the vault), or null when not allowed CHAP
 * @param dialIn the dial-in properties a Windows account's Dial-in tab would hold
 */
record LocalUser(String name, PasswordHash passwordHash, byte[] ntHash, String chapPassword, Set<String> groups,
        boolean enabled, DialIn dialIn) {

    LocalUser {
        groups = Set.copyOf(groups);
        ntHash = ntHash == null ? null : ntHash.clone();
    }

    @Override
    public String toString() {
        return "LocalUser[" + name + ", groups=" + groups + ", enabled=" + enabled + ", msChapV2="
                + (ntHash != null) + ", chap=" + (chapPassword != null) + ", dialIn="
                + dialIn + "]";
    }
}
