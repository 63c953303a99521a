package org.radmfa.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A session that accounting saw start and not yet stop.
 *
 * @param client the friendly name of the client (NAS) that reported it
 * @param sessionId its Acct-Session-Id
 * @param userName its User-Name, or null when the Start carried none
 * @param started when its Accounting-Request Start arrived
 * @param nasIp its NAS-IP-Address, or null when the Start carried none
 * @since 1.4
 */
public record ActiveSession(String client, String sessionId, String userName, Instant started, String nasIp) {

    public ActiveSession {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(started, "started");
    }
}
