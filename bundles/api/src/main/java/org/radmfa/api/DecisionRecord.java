package org.radmfa.api;

import java.time.Instant;
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
 * @since 1.3
 */
public record DecisionRecord(String id, Instant time, String client, String userName, Decision decision,
        long millis, String correlationId) {

    public DecisionRecord {
        Objects.requireNonNull(decision, "decision");
    }
}
