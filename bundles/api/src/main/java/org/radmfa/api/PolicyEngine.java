package org.radmfa.api;

import java.util.List;

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
                ReasonCode.ACCEPTED, List.of("no connection request policies: authenticate here"));
    }

    /**
     * The EAP methods offered when an EAP conversation starts, in the order NPS offers them, and no other: what the
     * network policies allow that may decide a request from this identity. Without network policies that name EAP
     * methods, {@link #DEFAULT_EAP_METHODS}. Called on the EAP-Response/Identity, before any authentication, so a
     * condition known only afterwards (the user's groups, the certificate) cannot rule a policy out yet. Never blocks
     * on I/O.
     *
     * @return EAP_MSCHAPV2, EAP_TLS and PEAP in the order to offer them; empty when no EAP method is allowed
     * @since 1.11
     */
    default List<AuthMethod> eapMethods(AuthenticationRequest request) {
        return DEFAULT_EAP_METHODS;
    }

    /**
     * The EAP methods and their order when no policy says otherwise: EAP-MSCHAPv2 first, the others by Nak.
     *
     * @since 1.11
     */
    List<AuthMethod> DEFAULT_EAP_METHODS = List.of(AuthMethod.EAP_MSCHAPV2, AuthMethod.EAP_TLS, AuthMethod.PEAP);

    /** Evaluates the policies for a user whose first factor is already verified. Never blocks on I/O. */
    PolicyDecision evaluate(AuthenticationRequest request, User user);
}
