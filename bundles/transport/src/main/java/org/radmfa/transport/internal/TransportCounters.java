package org.radmfa.transport.internal;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.radmfa.api.Decision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-client counters of answers and drops, and rate-limited drop logging: a flood produces one log line per client
 * and reason every {@link #LOG_INTERVAL_NANOS}, with the number suppressed since.
 */
final class TransportCounters {
    /** Every unregistered source is counted under this one key, so that a flood cannot grow the table. */
    static final String UNKNOWN = "(unknown clients)";
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(TransportCounters.class);

    static final class ClientCounters {
        final Map<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);
        final Map<Decision.Outcome, LongAdder> answers = new EnumMap<>(Decision.Outcome.class);
        final LongAdder requests = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final Map<DropReason, AtomicLong> lastLogged = new EnumMap<>(DropReason.class);
        final Map<DropReason, LongAdder> suppressed = new EnumMap<>(DropReason.class);
        volatile Instant lastGoodPacket;

        ClientCounters() {
            for (DropReason reason : DropReason.values()) {
                drops.put(reason, new LongAdder());
                lastLogged.put(reason, new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS));
                suppressed.put(reason, new LongAdder());
            }
            for (Decision.Outcome outcome : Decision.Outcome.values()) {
                answers.put(outcome, new LongAdder());
            }
        }
    }

    private final Map<String, ClientCounters> byClient = new ConcurrentHashMap<>();

    private ClientCounters of(String client) {
        return byClient.computeIfAbsent(client, name -> new ClientCounters());
    }

    void drop(String client, DropReason reason, String sourceDescription) {
        ClientCounters counters = of(client);
        counters.drops.get(reason).increment();
        AtomicLong last = counters.lastLogged.get(reason);
        long now = System.nanoTime();
        long previous = last.get();
        if (now - previous >= LOG_INTERVAL_NANOS && last.compareAndSet(previous, now)) {
            long more = counters.suppressed.get(reason).sumThenReset();
            LOG.warn("Dropped a datagram from {} (client '{}'): {}{}", sourceDescription, client,
                    reason.description(), more > 0 ? " (" + more + " more dropped for this reason since last report)"
                            : "");
        } else {
            counters.suppressed.get(reason).increment();
        }
    }

    /** A request that passed every check: it will be answered. */
    void accepted(String client) {
        ClientCounters counters = of(client);
        counters.requests.increment();
        counters.lastGoodPacket = Instant.now();
    }

    /** A retransmit answered from the duplicate cache (or joined to its pending original). */
    void duplicate(String client) {
        of(client).duplicates.increment();
    }

    /** Requests that passed every check (each is answered, or joins an answer). */
    long requests(String client) {
        ClientCounters counters = byClient.get(client);
        return counters == null ? 0 : counters.requests.sum();
    }

    long duplicates(String client) {
        ClientCounters counters = byClient.get(client);
        return counters == null ? 0 : counters.duplicates.sum();
    }

    void answered(String client, Decision.Outcome outcome) {
        of(client).answers.get(outcome).increment();
    }

    long drops(String client, DropReason reason) {
        ClientCounters counters = byClient.get(client);
        return counters == null ? 0 : counters.drops.get(reason).sum();
    }

    long answers(String client, Decision.Outcome outcome) {
        ClientCounters counters = byClient.get(client);
        return counters == null ? 0 : counters.answers.get(outcome).sum();
    }

    /** Client name to counters, sorted, for management. */
    Map<String, ClientCounters> snapshot() {
        return new TreeMap<>(byClient);
    }
}
