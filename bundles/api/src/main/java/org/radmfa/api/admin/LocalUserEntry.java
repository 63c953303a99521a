package org.radmfa.api.admin;

/**
 * A stored local user.
 *
 * @param settings its definition
 * @param hasNtHash whether an NT hash is stored (MS-CHAPv2 can work)
 * @param hasChapPassword whether a sealed password is stored (CHAP can work)
 * @param source the file it is kept in, or its PID
 */
public record LocalUserEntry(LocalUserSettings settings, boolean hasNtHash, boolean hasChapPassword, String source) {
}
