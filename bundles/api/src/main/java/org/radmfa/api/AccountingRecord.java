package org.radmfa.api;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One Accounting-Request, verified and decoded, as handed to the {@link AccountingSink}s.
 *
 * @param id a correlation id, unique per request
 * @param clientName the friendly name of the client that sent it
 * @param source the datagram's source address and port
 * @param attributes every attribute, decoded (Acct-Status-Type, Acct-Session-Id, User-Name, ...)
 * @param received when it arrived
 */
public record AccountingRecord(String id, String clientName, InetSocketAddress source,
        List<RequestAttribute> attributes, Instant received) {

    public AccountingRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(clientName, "clientName");
        attributes = List.copyOf(attributes);
    }

    /** The first value of the named attribute, if present. */
    public Optional<String> attribute(String name) {
        return attributes.stream().filter(a -> a.name().equals(name)).map(RequestAttribute::value).findFirst();
    }
}
