package org.radmfa.policy.internal;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.User;

/**
 * A network policy as configured: processing order, conditions, grant or deny, constraints, whether MFA is
 * required (and for whom not), and the reply attributes (NPS "settings") returned on grant.
 */
record NetworkPolicy(String name, int order, boolean enabled, boolean grant, boolean mfaRequired,
        Set<String> mfaExemptGroups, List<Condition> conditions, Constraints constraints,
        List<ReplyAttribute> replyAttributes) {

    NetworkPolicy {
        mfaExemptGroups = mfaExemptGroups.stream().map(g -> g.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        conditions = List.copyOf(conditions);
        replyAttributes = List.copyOf(replyAttributes);
    }

    /** The exempt group the user is in, or null. */
    String exemption(User user) {
        return user.groups().stream().filter(g -> mfaExemptGroups.contains(g.toLowerCase(Locale.ROOT))).findFirst()
                .orElse(null);
    }
}
