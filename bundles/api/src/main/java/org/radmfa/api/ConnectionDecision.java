package org.radmfa.api;

import java.util.List;
import java.util.Objects;

/**
 * Where a request is handled, as the first matching connection request policy says (NPS's first step).
 *
 * @param action authenticate here, forward, or reject (no policy matched)
 * @param policyName the matched connection request policy, or null
 * @param userName the User-Name after the policy's rewriting (realm stripped or replaced)
 * @param directory the user directory to authenticate against, or null for the default one
 * @param serverGroup for {@link Action#FORWARD}: the remote RADIUS server group
 * @param reason {@link ReasonCode#NO_MATCHING_CONNECTION_REQUEST_POLICY} for a reject, else ACCEPTED
 * @param trace each connection request policy evaluated
 * @since 1.3
 */
public record ConnectionDecision(Action action, String policyName, String userName, String directory,
        String serverGroup, ReasonCode reason, List<String> trace) {

    public enum Action {
        AUTHENTICATE,
        FORWARD,
        REJECT
    }

    public ConnectionDecision {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
        trace = List.copyOf(trace);
    }
}
