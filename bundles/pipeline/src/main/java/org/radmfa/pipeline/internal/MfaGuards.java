package org.radmfa.pipeline.internal;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.MfaOutcome;

/**
 * What keeps a second factor humane and safe, whatever the connector:
 * <ul>
 * <li><b>one push per login</b>: a login is its user and Calling-Station-Id; while a push for it is pending, another
 * request for the same login (a gateway's retry with a new Identifier) joins it instead of pushing again;</li>
 * <li><b>push-fatigue guard</b>: at most {@code maxPushes} prompts per user in a sliding window;</li>
 * <li><b>reconnect grace</b> (off unless configured): the same login within a few minutes of an approval is not
 * prompted again.</li>
 * </ul>
 */
final class MfaGuards {
    private static final int SWEEP_EVERY = 1024;
    /** Separates user and RADIUS client in a login without Calling-Station-Id; no directory's user name holds it. */
    private static final char NO_STATION = '\0';

    private final Map<String, CompletableFuture<MfaOutcome>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, ArrayDeque<Long>> pushes = new ConcurrentHashMap<>();
    private final Map<String, Long> approvedAt = new ConcurrentHashMap<>();
    private volatile int maxPushes;
    private volatile long pushWindowNanos;
    private volatile long graceNanos;
    private int sinceSweep;

    MfaGuards(int maxPushes, long pushWindowNanos, long graceNanos) {
        configure(maxPushes, pushWindowNanos, graceNanos);
    }

    void configure(int max, long windowNanos, long reconnectGraceNanos) {
        this.maxPushes = max;
        this.pushWindowNanos = windowNanos;
        this.graceNanos = reconnectGraceNanos;
    }

    /**
     * The login a request belongs to: user and Calling-Station-Id (the VPN client's address). From a NAS that sends
     * none, user and RADIUS client: logins of one user through different NASes never share a push.
     */
    static String login(AuthenticationRequest request, String userName) {
        String user = userName.toLowerCase(Locale.ROOT);
        return request.attribute("Calling-Station-Id").map(station -> user + "|" + station)
                .orElseGet(() -> user + NO_STATION + request.client().name());
    }

    /**
     * Whether this login was approved within the reconnect grace; never for a login without Calling-Station-Id, which
     * {@link #approved} does not record.
     */
    boolean inGrace(String login, long now) {
        long grace = graceNanos;
        Long approved = approvedAt.get(login);
        return grace > 0 && approved != null && now - approved < grace;
    }

    /** Recorded for the reconnect grace, but not a login without Calling-Station-Id: its device is unknown. */
    void approved(String login, long now) {
        if (graceNanos > 0 && login.indexOf(NO_STATION) < 0) {
            approvedAt.put(login, now);
        }
    }

    /** The outcome of a push: joined to a pending one for the same login, or started (counted against the limit). */
    record Push(CompletableFuture<MfaOutcome> outcome, boolean joined, boolean limited) {
    }

    Push push(String login, String user, long now, Supplier<CompletableFuture<MfaOutcome>> start) {
        sweep(now);
        boolean[] started = {false};
        boolean[] limited = {false};
        CompletableFuture<MfaOutcome> outcome = inFlight.computeIfAbsent(login, key -> {
            if (!allowPush(user.toLowerCase(Locale.ROOT), now)) {
                limited[0] = true;
                return null;
            }
            started[0] = true;
            return start.get();
        });
        if (limited[0]) {
            return new Push(null, false, true);
        }
        if (started[0]) {
            outcome.whenComplete((result, failure) -> inFlight.remove(login, outcome));
        }
        return new Push(outcome, !started[0], false);
    }

    private boolean allowPush(String user, long now) {
        int max = maxPushes;
        if (max <= 0) {
            return true;
        }
        ArrayDeque<Long> times = pushes.computeIfAbsent(user, key -> new ArrayDeque<>());
        synchronized (times) {
            while (!times.isEmpty() && now - times.peekFirst() >= pushWindowNanos) {
                times.removeFirst();
            }
            if (times.size() >= max) {
                return false;
            }
            times.addLast(now);
            return true;
        }
    }

    private void sweep(long now) {
        synchronized (this) {
            if (++sinceSweep < SWEEP_EVERY) {
                return;
            }
            sinceSweep = 0;
        }
        long window = pushWindowNanos;
        for (Iterator<ArrayDeque<Long>> it = pushes.values().iterator(); it.hasNext();) {
            ArrayDeque<Long> times = it.next();
            synchronized (times) {
                if (times.isEmpty() || now - times.peekLast() >= window) {
                    it.remove();
                }
            }
        }
        long grace = graceNanos;
        approvedAt.values().removeIf(time -> now - time >= grace);
    }

    int pending() {
        return inFlight.size();
    }
}
