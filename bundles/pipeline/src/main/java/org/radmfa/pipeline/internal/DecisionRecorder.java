package org.radmfa.pipeline.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionListener;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.HeldDecision;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestAttribute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of every request: an accept gets its correlation id in Class, the decision goes to the log, to the
 * recent decisions (radmfa:decisions, the web console) and to the decision listeners (audit, accounting, metrics).
 * A held decision ({@link #hold}) goes there when its caller records how the conversation ended (PEAP).
 */
final class DecisionRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionRecorder.class);
    /** Prefix of the Class attribute that carries a login's correlation id. */
    static final String CLASS_PREFIX = "radmfa:";
    /**
     * The standard attributes that say where a request came from (NAS-IP-Address 4, NAS-Port 5, Service-Type 6,
     * Framed-IP-Address 8, Called-Station-Id 30, Calling-Station-Id 31, NAS-Identifier 32, NAS-Port-Type 61,
     * Tunnel-Type 64, Tunnel-Client-Endpoint 66, NAS-IPv6-Address 95): what NPS logs with each answer, for the audit.
     */
    private static final Set<Integer> ORIGIN = Set.of(4, 5, 6, 8, 30, 31, 32, 61, 64, 66, 95);

    private final RecentDecisions recent;
    private final Clock clock;
    private final LongSupplier nanos;

    DecisionRecorder(int capacity, Clock clock, LongSupplier nanos) {
        this.recent = new RecentDecisions(capacity);
        this.clock = clock;
        this.nanos = nanos;
    }

    /** How many recent decisions are kept. */
    void capacity(int size) {
        recent.capacity(size);
    }

    List<DecisionRecord> newest(int max) {
        return recent.newest(max);
    }

    /**
     * Records the decision of a request that arrived at {@code startedNanos}; the listeners are those bound now.
     *
     * @return the decision as it is answered (an accept with its Class)
     */
    Decision record(AuthenticationRequest request, long startedNanos, Decision decision,
            List<DecisionListener> listeners) {
        String correlationId = correlationId().toString();
        Decision answered = withClass(decision, correlationId);
        write(request, startedNanos, correlationId, answered, listeners);
        return answered;
    }

    /**
     * The decision as it is answered (an accept with its Class), recorded only when the caller says how the
     * conversation ended; the listeners are those bound then.
     */
    HeldDecision hold(AuthenticationRequest request, long startedNanos, Decision decision,
            Supplier<List<DecisionListener>> listeners) {
        String correlationId = correlationId().toString();
        Decision answered = withClass(decision, correlationId);
        AtomicBoolean recorded = new AtomicBoolean();
        return new HeldDecision() {
            @Override
            public Decision decision() {
                return answered;
            }

            @Override
            public void record(Decision outcome) {
                Objects.requireNonNull(outcome, "outcome");
                if (recorded.compareAndSet(false, true)) {
                    write(request, startedNanos, correlationId, outcome, listeners.get());
                } else {
                    LOG.debug("{}: held decision recorded already; {} ignored", request.id(), outcome.outcome());
                }
            }
        };
    }

    /** The NAS echoes Class in its Accounting-Requests: the login and its session stay linked. */
    private static Decision withClass(Decision decision, String correlationId) {
        if (decision.outcome() != Decision.Outcome.ACCEPT) {
            return decision;
        }
        List<ReplyAttribute> attributes = new ArrayList<>(decision.replyAttributes());
        attributes.add(new ReplyAttribute("Class", CLASS_PREFIX + correlationId));
        return new Decision(decision.outcome(), decision.reason(), decision.detail(), decision.policyName(),
                attributes, decision.trace());
    }

    private void write(AuthenticationRequest request, long startedNanos, String correlationId, Decision decision,
            List<DecisionListener> listeners) {
        long millis = (nanos.getAsLong() - startedNanos) / 1_000_000;
        // Rejects and challenges go to the log; accepts, the bulk, only at debug: every decision is in the audit
        // file and radmfa:decisions anyway, and a log line per accept cost half the throughput (bench/run.sh).
        if (decision.outcome() != Decision.Outcome.ACCEPT || LOG.isDebugEnabled()) {
            String line = "{} {} for user '{}' from client '{}': {} ({})";
            Object[] values = {request.id(), decision.outcome(), request.userName(), request.client().name(),
                decision.reason(), decision.detail()};
            if (decision.outcome() == Decision.Outcome.ACCEPT) {
                LOG.debug(line, values);
            } else {
                LOG.info(line, values);
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} trace: {}", request.id(), String.join(" | ", decision.trace()));
        }
        DecisionRecord record = new DecisionRecord(request.id(), clock.instant(), request.client().name(),
                request.userName(), decision, millis, correlationId, origin(request), request.credentials().method());
        recent.add(record);
        for (DecisionListener listener : listeners) {
            try {
                listener.decided(record);
            } catch (RuntimeException e) {
                LOG.warn("Decision listener {} failed on {}: {}", listener, request.id(), e.toString());
            }
        }
    }

    static List<RequestAttribute> origin(AuthenticationRequest request) {
        List<RequestAttribute> origin = new ArrayList<>(8);
        for (RequestAttribute attribute : request.attributes()) {
            if (attribute.vendorId() == 0 && ORIGIN.contains(attribute.type())) {
                origin.add(attribute);
            }
        }
        return origin;
    }

    /**
     * A random (version 4) UUID. It links a login to its accounting records and must be unique, not secret:
     * UUID.randomUUID draws from one shared SecureRandom, which the threads deciding requests queued for.
     */
    static UUID correlationId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong() & ~0xF000L | 0x4000L,
                random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L);
    }
}
