package org.radmfa.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One decided Access-Request, as kept for operators: who asked, through which client, what was decided and why.
 *
 * @param id the request's correlation id
 * @param time when the decision was made
 * @param client the client's friendly name
 * @param userName the User-Name as received
 * @param decision the decision with its reason, reply attributes and trace
 * @param millis how long the decision took, in milliseconds
 * @since 1.3
 */
public record DecisionRecord(String id, Instant time, String client, String userName, Decision decision,
        long millis) {

    public DecisionRecord {
        Objects.requireNonNull(decision, "decision");
    }
}
