package org.radmfa.policy.internal;

import java.util.List;

import com.google.re2j.Pattern;

import org.radmfa.api.ConnectionDecision;

/**
 * A connection request policy as configured: where matching requests are handled (here, against which directory,
 * or forwarded to a remote server group) and how their User-Name is rewritten first (NPS "Attribute manipulation";
 * FreeRADIUS realms).
 *
 * @param rewrite the pattern to find in the User-Name, or null
 * @param replacement what replaces it ({@code $1} etc. refer to groups)
 */
record ConnectionRequestPolicy(String name, int order, boolean enabled, List<Condition> conditions,
        ConnectionDecision.Action action, String directory, String serverGroup, Pattern rewrite,
        String replacement) {

    ConnectionRequestPolicy {
        conditions = List.copyOf(conditions);
    }

    String rewrite(String userName) {
        return rewrite == null ? userName : rewrite.matcher(userName).replaceFirst(replacement);
    }
}
