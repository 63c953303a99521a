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
 */
public record MfaRequest(AuthenticationRequest request, User user, String policyName, Instant deadline) {

    public MfaRequest {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(deadline, "deadline");
    }
}
