package org.radmfa.api.admin;

import java.util.List;
import java.util.Objects;

/**
 * A local user's definition, without credentials (which go in through {@link LocalUserAdmin#setPassword}).
 *
 * @param name the RADIUS User-Name, unique without case
 * @param groups groups for policy conditions
 * @param enabled a disabled user is rejected before any password check
 * @param msChapV2 keep the NT hash MS-CHAPv2 and EAP-MSCHAPv2 need (taken from the next password set)
 * @param chap keep the password sealed for CHAP (taken from the next password set)
 */
public record LocalUserSettings(String name, List<String> groups, boolean enabled, boolean msChapV2, boolean chap) {

    public LocalUserSettings {
        Objects.requireNonNull(name, "name");
        groups = List.copyOf(groups);
    }
}
