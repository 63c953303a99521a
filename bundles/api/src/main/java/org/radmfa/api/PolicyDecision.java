package org.radmfa.api;

import java.util.List;
import java.util.Objects;

/**
 * The network policy engine's verdict for an authenticated user.
 *
 * @param granted whether the matched policy grants access
 * @param policyName the matched policy, or null if none matched
 * @param reason why, {@link ReasonCode#ACCEPTED} when granted
 * @param mfaRequired whether the matched policy asks for a second factor before accepting
 * @param replyAttributes the policy's settings to return on Access-Accept
 * @param trace each policy evaluated and each condition's result, in order, for operators
 */
public record PolicyDecision(boolean granted, String policyName, ReasonCode reason, boolean mfaRequired,
        List<ReplyAttribute> replyAttributes, List<String> trace) {

    public PolicyDecision {
        Objects.requireNonNull(reason, "reason");
        replyAttributes = List.copyOf(replyAttributes);
        trace = List.copyOf(trace);
    }
}
