package org.radmfa.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * NPS-style policies: ordered connection request policies decide where a request is handled (and rewrite its
 * User-Name), then ordered network policies decide, for the authenticated user, grant or deny. In each list the
 * first policy whose conditions all match decides. Both methods also serve "what-if" evaluations of hand-built
 * requests: they have no side effects.
 */
@ProviderType
public interface PolicyEngine {

    /**
     * Picks the connection request policy for a request, before any authentication. Without connection request
     * policies every request is authenticated here with its User-Name unchanged.
     *
     * @since 1.3
     */
    default ConnectionDecision route(AuthenticationRequest request) {
        return new ConnectionDecision(ConnectionDecision.Action.AUTHENTICATE, null, request.userName(), null, null,
                ReasonCode.ACCEPTED, java.util.List.of("no connection request policies: authenticate here"));
    }

    /** Evaluates the policies for a user whose first factor is already verified. Never blocks on I/O. */
    PolicyDecision evaluate(AuthenticationRequest request, User user);
}
