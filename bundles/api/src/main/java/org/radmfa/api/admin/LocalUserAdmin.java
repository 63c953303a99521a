package org.radmfa.api.admin;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Adds, changes and removes users of the local store ({@code etc/org.radmfa.user-<name>.cfg}). Passwords are
 * stored as the store expects them (a salted hash; an NT hash or a sealed copy only for users allowed MS-CHAPv2 or
 * CHAP), never in clear text.
 */
@ProviderType
public interface LocalUserAdmin {
    /**
     * The factory PID of local user configurations ({@code etc/org.radmfa.user-<name>.cfg}).
     *
     * @since 1.2
     */
    String FACTORY_PID = "org.radmfa.user";


    /** Every stored user, ordered by name. */
    List<LocalUserEntry> users() throws AdminException;

    /** The user with this name (case ignored). */
    Optional<LocalUserEntry> user(String name) throws AdminException;

    /**
     * Adds a user, or replaces the settings of the user with this name.
     *
     * @param password required for a new user, null to keep an existing user's; turning on MS-CHAPv2 or CHAP for
     *     an existing user needs one
     */
    LocalUserEntry put(LocalUserSettings settings, String password) throws AdminException;

    /** Sets a user's password (and, where the user allows them, the NT hash and the sealed copy). */
    LocalUserEntry setPassword(String name, String password) throws AdminException;

    LocalUserEntry setEnabled(String name, boolean enabled) throws AdminException;

    /** @return false when there was no such user */
    boolean remove(String name) throws AdminException;
}
