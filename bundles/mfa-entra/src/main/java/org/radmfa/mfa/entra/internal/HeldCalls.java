package org.radmfa.mfa.entra.internal;

/**
 * Whether a login may wait for the user in a synchronous Begin ({@code SyncCall=true}), held on the non-blocking HTTP
 * client, instead of polling End. A held call costs one HTTP/2 stream and no thread; over HTTP/1.1 it would cost a
 * TLS connection each, so calls are held only once the MFA service has been seen answering over HTTP/2 (ALPN), and
 * at most {@code limit} at once: the configured {@code maxHeldCalls}, lowered to what the service's connections can
 * carry (the client's connections to it times the service's {@code SETTINGS_MAX_CONCURRENT_STREAMS}, less headroom
 * for the calls that do not wait), so that a poll or a Begin never queues behind calls waiting for their users.
 */
final class HeldCalls {
    private final boolean enabled;
    private final int configured;
    private final int connections;
    private final int headroom;
    private int limit;
    private int held;
    private boolean http2Seen;

    /**
     * @param enabled {@code waitMode = sync}
     * @param limit the configured {@code maxHeldCalls}
     * @param connections the HTTP client's connections to the service at most
     * @param headroom streams left to the other calls (polls, Begins that do not wait)
     */
    HeldCalls(boolean enabled, int limit, int connections, int headroom) {
        this.enabled = enabled;
        this.configured = limit;
        this.limit = limit;
        this.connections = connections;
        this.headroom = headroom;
    }

    /** True when the caller may hold a Begin; it must then {@link #release()} once. */
    synchronized boolean tryHold() {
        if (!enabled || !http2Seen || held >= limit) {
            return false;
        }
        held++;
        return true;
    }

    /** A held call ended. */
    synchronized void release() {
        held--;
    }

    /**
     * An answer from the MFA service: HTTP/2 enables holding, anything else stops it. Returns the limit, lowered
     * when the connection's stream limit is known ({@code streams > 0}) and too small for the configured one.
     */
    synchronized int answeredOver(boolean http2, int streams) {
        http2Seen = http2;
        if (http2 && streams > 0) {
            long capacity = (long) connections * streams - headroom;
            limit = (int) Math.max(0, Math.min(configured, capacity));
        }
        return limit;
    }

    synchronized int held() {
        return held;
    }

    synchronized int limit() {
        return limit;
    }

    synchronized boolean holding() {
        return enabled && http2Seen && limit > 0;
    }
}
