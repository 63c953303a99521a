package org.radmfa.api;

import java.time.Instant;
import java.util.Map;

/**
 * What the RADIUS server saw from one client, for operators. {@link #badSecret()} and {@link #badPassword()} tell
 * the two usual troubles apart: a shared secret that differs between the NAS and this server (authenticators that
 * do not verify, so no answer at all) versus users typing the wrong password (Access-Reject).
 *
 * @param client the client's friendly name, or "(unknown clients)" for every unregistered source together
 * @param secretFingerprint the fingerprint of the client's shared secret as configured here, or null
 * @param lastGoodPacket when a datagram from it last passed every check, or null
 * @param requests requests that passed every check
 * @param duplicates retransmits answered from the duplicate cache
 * @param answers answers sent, by outcome name (ACCEPT, REJECT, CHALLENGE)
 * @param rejects rejects by reason code name
 * @param drops datagrams dropped without an answer, by reason
 * @param badSecret drops whose authenticator did not verify
 * @param badPassword rejects because the password was wrong
 * @since 1.2
 */
public record ClientStatistics(String client, String secretFingerprint, Instant lastGoodPacket, long requests,
        long duplicates, Map<String, Long> answers, Map<String, Long> rejects, Map<String, Long> drops,
        long badSecret, long badPassword) {

    public ClientStatistics {
        answers = Map.copyOf(answers);
        rejects = Map.copyOf(rejects);
        drops = Map.copyOf(drops);
    }
}
