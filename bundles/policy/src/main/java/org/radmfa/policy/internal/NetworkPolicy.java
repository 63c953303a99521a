package org.radmfa.policy.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.radmfa.api.AuthMethod;
import org.radmfa.api.PolicyEngine;
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

    /**
     * The EAP methods this policy allows, in the order to offer them (NPS's EAP types of a policy): those of
     * {@code constraint.authMethods} in the order written, else the default order, less those a
     * {@code condition.authMethods} leaves out.
     */
    List<AuthMethod> eapMethods() {
        List<AuthMethod> candidates = constraints.authMethods().isEmpty() ? PolicyEngine.DEFAULT_EAP_METHODS
                : List.copyOf(constraints.authMethods());
        List<AuthMethod> allowed = new ArrayList<>();
        for (AuthMethod method : candidates) {
            if (PolicyEngine.DEFAULT_EAP_METHODS.contains(method) && conditions.stream().allMatch(condition
                    -> !(condition instanceof Condition.AuthMethods methods) || methods.methods().contains(method))) {
                allowed.add(method);
            }
        }
        return allowed;
    }

    /** Whether every login this policy is reached by meets its conditions, as far as an EAP identity tells. */
    boolean decidesEveryIdentity() {
        return conditions.stream().allMatch(Condition::knownBeforeAuthentication);
    }

    /** The exempt group the user is in, or null. */
    String exemption(User user) {
        return user.groups().stream().filter(g -> mfaExemptGroups.contains(g.toLowerCase(Locale.ROOT))).findFirst()
                .orElse(null);
    }
}
