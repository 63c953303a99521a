package org.radmfa.api;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An Access-Request as the engine sees it: the client it came from, who asks, with which credentials, and the
 * other attributes (for policy conditions).
 *
 * @param id a correlation id, unique per request, that follows the request into logs and accounting
 * @param client the registered client that sent it
 * @param source the datagram's source address and port
 * @param userName the User-Name attribute
 * @param credentials the first factor
 * @param attributes every other attribute, decoded
 * @param received when the first datagram of this request arrived
 */
public record AuthenticationRequest(String id, RadiusClient client, InetSocketAddress source, String userName,
        Credentials credentials, List<RequestAttribute> attributes, Instant received) {

    public AuthenticationRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(credentials, "credentials");
        attributes = List.copyOf(attributes);
    }

    /**
     * The same request under another User-Name, as a connection request policy's rewriting makes it.
     *
     * @since 1.3
     */
    public AuthenticationRequest withUserName(String rewritten) {
        return new AuthenticationRequest(id, client, source, rewritten, credentials, attributes, received);
    }

    /** The first value of the named attribute, if present. */
    public Optional<String> attribute(String name) {
        for (RequestAttribute attribute : attributes) {
            if (attribute.name().equals(name)) {
                return Optional.of(attribute.value());
            }
        }
        return Optional.empty();
    }

    /** Whether any attribute of this vendor and type is present. */
    public boolean hasAttribute(int vendorId, int type) {
        for (RequestAttribute attribute : attributes) {
            if (attribute.vendorId() == vendorId && attribute.type() == type) {
                return true;
            }
        }
        return false;
    }
}
