package org.radmfa.eap.tls.internal;

import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import org.bouncycastle.tls.TlsSession;
import org.radmfa.api.ReplyAttribute;

/**
 * TLS sessions a peer may resume (RFC 5216 section 2.1.2, MS-PEAP fast reconnect), by session ID: at most
 * {@code capacity} of them, the oldest dropped first, each for {@code lifetimeNanos} after the login that made it.
 * One cache per method: a session made by EAP-TLS never resumes PEAP, whose entries hold the inner login's result.
 * Thread-safe.
 */
final class TlsSessionCache {
    private static final HexFormat HEX = HexFormat.of();

    /** What PEAP fast reconnect gives again without the inner method: the user and the first login's settings. */
    record Authorized(String userName, List<ReplyAttribute> acceptAttributes, String policyName) {
    }

    /** A cached session; {@code authorized} is null for EAP-TLS, which decides every resumed login again. */
    record Entry(TlsSession session, Authorized authorized, long expiresAtNanos) {
    }

    private final int capacity;
    private final long lifetimeNanos;
    private final LongSupplier clock;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    TlsSessionCache(int capacity, long lifetimeNanos, LongSupplier clock) {
        this.capacity = capacity;
        this.lifetimeNanos = lifetimeNanos;
        this.clock = clock;
    }

    boolean enabled() {
        return capacity > 0 && lifetimeNanos > 0;
    }

    synchronized void put(TlsSession session, Authorized authorized) {
        if (!enabled() || session == null || !session.isResumable()) {
            return;
        }
        String key = HEX.formatHex(session.getSessionID());
        entries.remove(key);
        entries.put(key, new Entry(session, authorized, clock.getAsLong() + lifetimeNanos));
        for (Iterator<Entry> oldest = entries.values().iterator(); entries.size() > capacity;) {
            oldest.next();
            oldest.remove();
        }
    }

    /** The live entry of this session ID, or null; an expired one is dropped. */
    synchronized Entry get(byte[] sessionId) {
        if (sessionId == null || sessionId.length == 0) {
            return null;
        }
        String key = HEX.formatHex(sessionId);
        Entry entry = entries.get(key);
        if (entry != null && entry.expiresAtNanos() - clock.getAsLong() < 0) {
            entries.remove(key);
            entry.session().invalidate();
            return null;
        }
        return entry;
    }

    synchronized void remove(byte[] sessionId) {
        Entry entry = entries.remove(HEX.formatHex(sessionId));
        if (entry != null) {
            entry.session().invalidate();
        }
    }

    synchronized int size() {
        return entries.size();
    }
}
