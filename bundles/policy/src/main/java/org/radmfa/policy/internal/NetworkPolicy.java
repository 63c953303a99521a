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
 * A network policy as configured: processing order, conditions, its access permission and whether it ignores user
 * accounts' dial-in properties, constraints, whether MFA is required (and for whom not), and the reply attributes
 * (NPS "settings") returned on grant.
 */
record NetworkPolicy(String name, int order, boolean enabled, Access access, boolean ignoreUserDialIn,
        boolean mfaRequired, Set<String> mfaExemptGroups, List<Condition> conditions, Constraints constraints,
        List<ReplyAttribute> replyAttributes) {

    /** The policy's access permission, as the {@code access} key spells it. */
    enum Access {
        GRANT("grant"),
        DENY("deny"),
        /** NPS's policy without a permission of its own: each user account's dial-in permission decides. */
        DIAL_IN("dialin");

        private final String key;

        Access(String key) {
            this.key = key;
        }

        String key() {
            return key;
        }
    }

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

    /** Whether the policy grants some logins: it grants, or leaves it to the user accounts. */
    boolean mayGrant() {
        return access != Access.DENY;
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
