package org.radmfa.eap.tls.internal;

/**
 * What one EAP-TLS conversation and all of them together may cost: the bounds that keep a flood of EAP starts or a
 * peer sending endless fragments from exhausting the heap or the handshake threads.
 *
 * @param fragmentSize TLS data octets per EAP-TLS request the server sends
 * @param maxMessageSize the largest TLS message the peer may send, reassembled
 * @param maxFragments the most fragments one message of the peer may take
 * @param maxSessions conversations open at once
 * @param sessionTimeoutNanos how long a conversation may wait for the peer's next response
 */
record EapTlsLimits(int fragmentSize, int maxMessageSize, int maxFragments, int maxSessions,
        long sessionTimeoutNanos) {
}
