package org.radmfa.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One decided Access-Request, as kept for operators and audit sinks: who asked, through which client, what was
 * decided and why.
 *
 * @param id the request's id within this appliance (in logs)
 * @param time when the decision was made
 * @param client the client's friendly name
 * @param userName the User-Name as received
 * @param decision the decision with its reason, reply attributes and trace
 * @param millis how long the decision took, in milliseconds
 * @param correlationId unique across restarts and nodes; an Access-Accept carries it in a Class attribute
 *     ({@code radmfa:<correlationId>}), which the NAS echoes in its Accounting-Requests, so that the login, its
 *     second factor and its accounting session can be followed end to end
 * @param origin the request's attributes that say where it came from (NAS-IP-Address, NAS-Identifier,
 *     Calling-Station-Id, Called-Station-Id, NAS-Port-Type, Tunnel-Client-Endpoint, ...), as NPS logs them with
 *     each answer; never credentials (since 1.8)
 * @param method how the user proved who they are (PAP, EAP-TLS, ...), or null where no credentials were looked at
 *     (since 1.11)
 * @since 1.3
 */
public record DecisionRecord(String id, Instant time, String client, String userName, Decision decision,
        long millis, String correlationId, List<RequestAttribute> origin, AuthMethod method) {

    public DecisionRecord {
        Objects.requireNonNull(decision, "decision");
        origin = origin == null ? List.of() : List.copyOf(origin);
    }

    /** A record without the authentication method, as before 1.11. */
    public DecisionRecord(String id, Instant time, String client, String userName, Decision decision, long millis,
            String correlationId, List<RequestAttribute> origin) {
        this(id, time, client, userName, decision, millis, correlationId, origin, null);
    }

    /** A record without the request's origin attributes, as before 1.8. */
    public DecisionRecord(String id, Instant time, String client, String userName, Decision decision, long millis,
            String correlationId) {
        this(id, time, client, userName, decision, millis, correlationId, List.of());
    }
}
