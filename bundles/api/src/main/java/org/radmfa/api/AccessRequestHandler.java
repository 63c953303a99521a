package org.radmfa.api;

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
}
