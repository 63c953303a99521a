package org.radmfa.transport.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One warning per client and authentication method every ten seconds for requests rejected because the method is
 * not offered, with the number of like rejects since: the administrator learns what the NAS is configured for
 * without a flood of lines. Methods come from a fixed set, so the table stays small.
 */
final class UnsupportedMethodLog {
    private static final long INTERVAL_NANOS = 10_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(RadiusServer.class);

    private record Key(String client, String method) {
    }

    private static final class Entry {
        final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
        final LongAdder suppressed = new LongAdder();
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    void rejected(String client, String method, String userName, String source) {
        report(client, method, userName, source, "is not offered by this server (reason 66, AUTH_METHOD_NOT_ALLOWED);"
                + " configure the NAS for PAP, CHAP, MS-CHAPv2 or EAP-MSCHAPv2");
    }

    /** An EAP method the server speaks, refused because the network policies that may decide the login do not allow it. */
    void notAllowedByPolicy(String client, String method, String userName, String source, String allowed) {
        report(client, method, userName, source, "is not allowed by the network policies that may decide this login"
                + " (they allow " + allowed + "; reason 66, AUTH_METHOD_NOT_ALLOWED)");
    }

    private void report(String client, String method, String userName, String source, String why) {
        Entry entry = entries.computeIfAbsent(new Key(client, method), key -> new Entry());
        long now = System.nanoTime();
        long previous = entry.lastLogged.get();
        if (now - previous >= INTERVAL_NANOS && entry.lastLogged.compareAndSet(previous, now)) {
            long more = entry.suppressed.sumThenReset();
            LOG.warn("Access-Reject to {} (client '{}', User-Name '{}'): authentication method {} {}{}", source, client,
                    userName, method, why, more > 0 ? " (" + more + " more like it since last report)" : "");
        } else {
            entry.suppressed.increment();
        }
    }
}
