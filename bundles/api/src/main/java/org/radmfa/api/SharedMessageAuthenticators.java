package org.radmfa.api;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Which RADIUS clients have sent a valid Message-Authenticator, shared by the appliances of a cluster, so that a
 * client with {@link MessageAuthenticatorPolicy#AUTO} is held to it on every node once any node has seen it sign.
 * Offered by the cluster bundle; without it each node learns by itself. Never on a request's critical path: both
 * calls return at once.
 *
 * @since 1.9
 */
@ProviderType
public interface SharedMessageAuthenticators {

    /** Tells the other nodes that this client sent a valid Message-Authenticator (first seen at {@code first}). */
    void publish(String clientName, Instant first);

    /** When some node recorded the client; empty when none has, or when the cluster does not answer. */
    CompletionStage<Optional<Instant>> lookup(String clientName);
}
