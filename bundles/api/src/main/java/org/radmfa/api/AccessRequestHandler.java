package org.radmfa.api;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The request pipeline: primary authentication, network policy, second factor. The transport hands every
 * verified Access-Request here and sends whatever the stage completes with. A decision may take a minute (an MFA
 * push), so no thread waits for it.
 */
@ProviderType
public interface AccessRequestHandler {

    /** Decides the request. The stage never completes exceptionally: failures become a reject with a reason. */
    CompletionStage<Decision> handle(AuthenticationRequest request);

    /**
     * An EAP conversation step ({@link EapCredentials}) that a connection request policy forwards to a remote
     * RADIUS server group, answered by it: the transport sends that answer and does not run the conversation itself.
     * Empty when the request is decided here: the transport's EAP engine runs the conversation and calls
     * {@link #handle} with the credentials it yields.
     *
     * @since 1.9
     */
    default Optional<CompletionStage<Decision>> forwardEap(AuthenticationRequest request) {
        return Optional.empty();
    }

    /**
     * The EAP methods to offer when an EAP conversation starts here ({@link EapCredentials} of its
     * EAP-Response/Identity), in order: those of the network policies that may decide it
     * ({@link PolicyEngine#eapMethods}), after the connection request policy. The transport proposes the first it
     * speaks and refuses a Nak for any other with {@link ReasonCode#AUTH_METHOD_NOT_ALLOWED}.
     *
     * @return EAP_MSCHAPV2, EAP_TLS and PEAP in the order to offer them; empty when none is allowed
     * @since 1.11
     */
    default List<AuthMethod> eapMethods(AuthenticationRequest request) {
        return PolicyEngine.DEFAULT_EAP_METHODS;
    }

    /**
     * Decides the request as {@link #handle} does, but holds the decision back from the decision listeners (audit,
     * radmfa:decisions, metrics) until the caller {@linkplain HeldDecision#record records} the outcome: for an EAP
     * method whose conversation goes on after the decision and may still end otherwise (PEAP's EAP-TLV Result and
     * crypto binding after its inner MS-CHAPv2). The caller must record every held decision exactly once, also when
     * the conversation is abandoned or expires. A handler that cannot hold one back records it at once, as
     * {@link #handle}, and its held decision's {@code record} does nothing.
     *
     * @since 1.13
     */
    default CompletionStage<HeldDecision> hold(AuthenticationRequest request) {
        return handle(request).thenApply(HeldDecision::recorded);
    }
}
