package org.radmfa.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A second-factor request handed to an {@link MfaConnector}.
 *
 * @param request the Access-Request being decided
 * @param user the user that passed primary authentication
 * @param policyName the network policy that asked for MFA
 * @param deadline the connector must complete by then; the gateway gives up soon after
 * @param challengeResponse what the user answered to this connector's earlier {@link MfaOutcome.Kind#CHALLENGE} (an
 *     OTP typed into the password field), or null on the first round. Never log it.
 * @param state the State of that challenge, or null on the first round
 */
public record MfaRequest(AuthenticationRequest request, User user, String policyName, Instant deadline,
        String challengeResponse, byte[] state) {

    public MfaRequest {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(deadline, "deadline");
        state = state == null ? null : state.clone();
    }

    /** A first round: no challenge answered yet. */
    public MfaRequest(AuthenticationRequest request, User user, String policyName, Instant deadline) {
        this(request, user, policyName, deadline, null, null);
    }

    @Override
    public byte[] state() {
        return state == null ? null : state.clone();
    }

    @Override
    public String toString() {
        return "MfaRequest[" + request.id() + ", user=" + user.name() + ", policy=" + policyName
                + (challengeResponse == null ? "" : ", answering a challenge") + "]";
    }
}
