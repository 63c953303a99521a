package org.radmfa.api;

import java.time.Instant;

/**
 * One remote RADIUS server of a group, as the proxy sees it now.
 *
 * @param group the remote RADIUS server group's name
 * @param name the server's name within the appliance's configuration
 * @param address host name or IP address with the authentication port, e.g. {@code 10.0.0.5:1812}
 * @param priority lower is used first (NPS)
 * @param weight share of requests among the servers of the same priority (NPS)
 * @param up whether requests go to it; false after too many unanswered requests, until a Status-Server probe
 *     (RFC 5997) or a request is answered again
 * @param forwarded requests sent to it (retries to another server count there)
 * @param answered answers that passed their authenticators
 * @param lost requests it did not answer in time
 * @param badAnswers answers dropped for a wrong Response Authenticator or Message-Authenticator
 * @param lastAnswerMillis how long its last answer took, -1 before the first
 * @param downSince when it was marked down, or null while it is up
 * @param secretFingerprint the shared secret's fingerprint (never the secret)
 * @since 1.9
 */
public record RemoteServerStatus(String group, String name, String address, int priority, int weight, boolean up,
        long forwarded, long answered, long lost, long badAnswers, long lastAnswerMillis, Instant downSince,
        String secretFingerprint) {
}
