package org.radmfa.transport.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.radmfa.api.ClientStatistics;
import org.radmfa.api.Decision;
import org.radmfa.api.ReasonCode;
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
        final Map<ReasonCode, LongAdder> rejects = new EnumMap<>(ReasonCode.class);
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
            for (ReasonCode reason : ReasonCode.values()) {
                rejects.put(reason, new LongAdder());
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

    void answered(String client, Decision.Outcome outcome, ReasonCode reason) {
        ClientCounters counters = of(client);
        counters.answers.get(outcome).increment();
        if (outcome == Decision.Outcome.REJECT) {
            counters.rejects.get(reason).increment();
        }
    }

    long drops(String client, DropReason reason) {
        ClientCounters counters = byClient.get(client);
        return counters == null ? 0 : counters.drops.get(reason).sum();
    }

    long answers(String client, Decision.Outcome outcome) {
        ClientCounters counters = byClient.get(client);
        return counters == null ? 0 : counters.answers.get(outcome).sum();
    }

    /** Per client, sorted by name; the fingerprint function gives each client's secret fingerprint, or null. */
    List<ClientStatistics> statistics(Function<String, String> fingerprint) {
        List<ClientStatistics> result = new ArrayList<>();
        new TreeMap<>(byClient).forEach((client, counters) -> {
            Map<String, Long> drops = nonZero(counters.drops);
            long badSecret = counters.drops.entrySet().stream().filter(e -> e.getKey().suggestsBadSecret())
                    .mapToLong(e -> e.getValue().sum()).sum();
            result.add(new ClientStatistics(client, fingerprint.apply(client), counters.lastGoodPacket,
                    counters.requests.sum(), counters.duplicates.sum(), nonZero(counters.answers),
                    nonZero(counters.rejects), drops, badSecret,
                    counters.rejects.get(ReasonCode.AUTHENTICATION_FAILED).sum()));
        });
        return result;
    }

    private static Map<String, Long> nonZero(Map<? extends Enum<?>, LongAdder> counters) {
        Map<String, Long> result = new TreeMap<>();
        counters.forEach((key, adder) -> {
            long value = adder.sum();
            if (value > 0) {
                result.put(key.name(), value);
            }
        });
        return result;
    }
}
