package org.radmfa.policy.internal;

import java.util.List;

import org.radmfa.api.ReplyAttribute;

/**
 * A network policy as configured: processing order, conditions, grant or deny, whether MFA is required, and the
 * reply attributes (NPS "settings") returned on grant.
 */
record NetworkPolicy(String name, int order, boolean enabled, boolean grant, boolean mfaRequired,
        List<Condition> conditions, List<ReplyAttribute> replyAttributes) {

    NetworkPolicy {
        conditions = List.copyOf(conditions);
        replyAttributes = List.copyOf(replyAttributes);
    }
}
