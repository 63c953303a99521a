package org.radmfa.api;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The registered RADIUS clients. Only a registered client ever gets an answer. */
@ProviderType
public interface ClientRegistry {

    /** The client a datagram from this address belongs to; the most specific address or subnet wins. */
    Optional<RadiusClient> find(InetAddress source);

    /** Every client currently registered, ordered by name. */
    List<RadiusClient> clients();

    /**
     * When this client first sent a valid Message-Authenticator, if it ever did (remembered across restarts): a
     * client with {@link MessageAuthenticatorPolicy#AUTO} must send one from then on.
     *
     * @since 1.9
     */
    default Optional<Instant> messageAuthenticatorReceived(String clientName) {
        return Optional.empty();
    }

    /**
     * The transport tells the registry that this client sent a valid Message-Authenticator. Cheap when already
     * known (called for each such request); the first time it is remembered durably before it returns.
     *
     * @since 1.9
     */
    default void receivedMessageAuthenticator(String clientName) {
    }
}
