package org.radmfa.api;

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
}
