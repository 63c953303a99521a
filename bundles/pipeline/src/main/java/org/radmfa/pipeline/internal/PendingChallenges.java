package org.radmfa.pipeline.internal;

import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PrimaryAuthResult;

/**
 * Second-factor challenges waiting for the user's answer, by the State sent with the Access-Challenge. A State is
 * good for one answer, from the same client and user, until it expires.
 */
final class PendingChallenges {
    static final int MAX = 100_000;

    /** What the answer resumes: the first round's verdicts, so that they are not asked again. */
    record Pending(String client, String userName, PrimaryAuthResult primary, PolicyDecision policy,
            String connector, int round, long expiresAtNanos) {
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();
    private final LongSupplier nanos;

    PendingChallenges() {
        this(System::nanoTime);
    }

    /** @param nanos the clock of the deadlines ({@code System.nanoTime}) */
    PendingChallenges(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** @return false when full: the challenge cannot be offered */
    boolean put(byte[] state, Pending challenge) {
        if (sinceSweep.incrementAndGet() >= 1024) {
            sinceSweep.set(0);
            long now = nanos.getAsLong();
            for (Iterator<Pending> it = pending.values().iterator(); it.hasNext();) {
                if (it.next().expiresAtNanos() - now < 0) {
                    it.remove();
                }
            }
        }
        if (pending.size() >= MAX) {
            return false;
        }
        pending.put(HexFormat.of().formatHex(state), challenge);
        return true;
    }

    /** The challenge with this State, left in place; null when unknown. */
    Pending peek(String stateHex) {
        return pending.get(key(stateHex));
    }

    private static String key(String stateHex) {
        String hex = stateHex.toLowerCase(java.util.Locale.ROOT);
        return hex.startsWith("0x") ? hex.substring(2) : hex;
    }

    /**
     * Takes {@code seen}, the challenge {@link #peek} found for this State (hex, with or without 0x); null when it has
     * expired, or when another thread (a retransmit of the same answer) took it meanwhile.
     */
    Pending take(String stateHex, Pending seen) {
        if (!pending.remove(key(stateHex), seen)) {
            return null;
        }
        return seen.expiresAtNanos() - nanos.getAsLong() < 0 ? null : seen;
    }

    int size() {
        return pending.size();
    }
}
