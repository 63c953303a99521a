package org.radmfa.policy.internal;

import java.util.List;

import com.google.re2j.Pattern;

import org.radmfa.api.ConnectionDecision;

/**
 * A connection request policy as configured: where matching requests are handled (here, against which directory,
 * or forwarded to a remote server group), how one of their attributes is rewritten first (NPS "Attribute
 * manipulation": User-Name, Called-Station-Id or Calling-Station-Id; FreeRADIUS realms), and whether the
 * Accounting-Requests it forwards go to the group too.
 *
 * @param rewriteAttribute the attribute the rules rewrite (User-Name unless configured)
 * @param rules find/replace rules, applied in order, each to what the previous one left
 * @param forwardAccounting for action forward: Accounting-Requests go to the group too (NPS msAcctProviderType 2)
 */
record ConnectionRequestPolicy(String name, int order, boolean enabled, List<Condition> conditions,
        ConnectionDecision.Action action, String directory, String serverGroup, String rewriteAttribute,
        List<RewriteRule> rules, boolean forwardAccounting) {

    static final String USER_NAME = "User-Name";

    /** One find/replace rule: the first match of the pattern is replaced ({@code $1} etc. refer to groups). */
    record RewriteRule(Pattern pattern, String replacement) {
        String apply(String value) {
            return pattern.matcher(value).replaceFirst(replacement);
        }
    }

    ConnectionRequestPolicy {
        conditions = List.copyOf(conditions);
        rules = List.copyOf(rules);
    }

    /** Whether the rules rewrite the User-Name (else the attribute named by {@link #rewriteAttribute}). */
    boolean rewritesUserName() {
        return rewriteAttribute.equalsIgnoreCase(USER_NAME);
    }

    String rewrite(String value) {
        String result = value;
        for (RewriteRule rule : rules) {
            result = rule.apply(result);
        }
        return result;
    }
}
