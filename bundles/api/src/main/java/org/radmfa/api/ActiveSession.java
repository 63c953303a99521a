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
 * @param server the appliance that received the Start (of several sharing one store), or null when not known
 * @since 1.4
 */
public record ActiveSession(String client, String sessionId, String userName, Instant started, String nasIp,
        String server) {

    public ActiveSession {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(started, "started");
    }

    /** A session whose receiving appliance is not known (the constructor of version 1.4). */
    public ActiveSession(String client, String sessionId, String userName, Instant started, String nasIp) {
        this(client, sessionId, userName, started, nasIp, null);
    }
}
