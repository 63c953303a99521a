package org.radmfa.pipeline.internal;

import java.util.List;

import org.radmfa.api.Decision;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PrimaryAuthResult;

/** The network policy's verdict on an authenticated user. */
final class NetworkPolicyStage {
    private NetworkPolicyStage() {
    }

    /**
     * A reject when no policy grants access, an accept with the policy's settings when it asks for no second factor,
     * or null when it asks for one.
     */
    static Decision verdict(PolicyDecision policy, PrimaryAuthResult primary, List<String> trace) {
        trace.addAll(policy.trace());
        if (!policy.granted()) {
            String detail = policy.policyName() == null ? "no network policy matched" : switch (policy.reason()) {
                case DIAL_IN_DENIED -> "the user account's dial-in permission denies access (network policy '"
                        + policy.policyName() + "')";
                case CALLER_ID_MISMATCH -> "the user account's caller ID does not match (network policy '"
                        + policy.policyName() + "')";
                default -> "network policy '" + policy.policyName() + "' denies access";
            };
            return new Decision(Decision.Outcome.REJECT, policy.reason(), detail, policy.policyName(), List.of(),
                    trace);
        }
        if (!policy.mfaRequired()) {
            return Decisions.accept(policy, primary, "granted by network policy '" + policy.policyName() + "'",
                    trace);
        }
        return null;
    }
}
