package org.radmfa.mfa.entra.internal;

import java.io.IOException;
import java.net.http.HttpClient;

/**
 * Whether a login may wait for the user in a synchronous Begin ({@code SyncCall=true}), held on the non-blocking HTTP
 * client, instead of polling End. A held call costs one HTTP/2 stream and no thread; over HTTP/1.1 it would cost a
 * TLS connection each, so calls are held only once the MFA service has been seen answering over HTTP/2 (ALPN), and
 * at most {@code limit} at once: the configured {@code maxHeldCalls}, lowered to what the service's
 * {@code SETTINGS_MAX_CONCURRENT_STREAMS} turns out to allow. Java 17's client does not open a second connection when
 * that limit is reached: it fails the new request with "too many concurrent streams" before sending anything, so
 * the login can still Begin asynchronously, with one push.
 */
final class HeldCalls {
    /** The message of Java 17's {@code Http2Connection.reserveStream} when the server's stream limit is reached. */
    static final String STREAM_LIMIT_MESSAGE = "too many concurrent streams";

    private final boolean enabled;
    private final int headroom;
    private int limit;
    private int held;
    private boolean http2Seen;

    /**
     * @param enabled {@code waitMode = sync}
     * @param limit the configured {@code maxHeldCalls}
     * @param headroom streams left to the other calls on the same connection (polls, Begins that do not wait) when
     *     the service's limit is learned
     */
    HeldCalls(boolean enabled, int limit, int headroom) {
        this.enabled = enabled;
        this.limit = limit;
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

    /** The protocol of an answer from the MFA service: HTTP/2 enables holding, anything else stops it. */
    synchronized void answeredOver(HttpClient.Version version) {
        http2Seen = version == HttpClient.Version.HTTP_2;
    }

    /**
     * A held call was refused by the client because the connection has no stream left: the limit becomes what was
     * held then, less the headroom. Returns the new limit.
     */
    synchronized int streamLimitReached() {
        limit = Math.max(0, Math.min(limit, held - 1 - headroom));
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

    /** Whether a failure is the client's refusal to open one more stream (the request was not sent). */
    static boolean isStreamLimit(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof IOException && cause.getMessage() != null
                    && cause.getMessage().contains(STREAM_LIMIT_MESSAGE)) {
                return true;
            }
        }
        return false;
    }
}
