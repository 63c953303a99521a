package org.radmfa.testsupport;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.radmfa.api.AccessRequestHandler;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionListener;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.HeldDecision;

/**
 * The request pipeline as an EAP method sees it, with its decision listeners: what {@code handle} decides is told to
 * them at once, as the real pipeline's recorder does (audit, radmfa:decisions, metrics); what {@code hold} decides,
 * when its caller records the outcome, once.
 */
public final class RecordingPipeline implements AccessRequestHandler {
    /** What the decision listeners heard. */
    public final List<DecisionRecord> heard = new CopyOnWriteArrayList<>();
    /** The requests decided, in order. */
    public final List<AuthenticationRequest> asked = new CopyOnWriteArrayList<>();
    private final DecisionListener listener = heard::add;
    private final Function<AuthenticationRequest, Decision> decide;

    public RecordingPipeline(Function<AuthenticationRequest, Decision> decide) {
        this.decide = decide;
    }

    @Override
    public CompletionStage<Decision> handle(AuthenticationRequest request) {
        asked.add(request);
        Decision decision = decide.apply(request);
        listener.decided(record(request, decision));
        return CompletableFuture.completedFuture(decision);
    }

    /** As the real pipeline: the listeners hear the outcome its caller records, the first time only. */
    @Override
    public CompletionStage<HeldDecision> hold(AuthenticationRequest request) {
        asked.add(request);
        Decision decision = decide.apply(request);
        AtomicBoolean recorded = new AtomicBoolean();
        return CompletableFuture.completedFuture(new HeldDecision() {
            @Override
            public Decision decision() {
                return decision;
            }

            @Override
            public void record(Decision outcome) {
                if (recorded.compareAndSet(false, true)) {
                    listener.decided(RecordingPipeline.record(request, outcome));
                }
            }
        });
    }

    private static DecisionRecord record(AuthenticationRequest request, Decision decision) {
        return new DecisionRecord(request.id(), Instant.now(), request.client().name(), request.userName(), decision,
                0, "3f1c9a2e", List.of(), request.credentials().method());
    }
}
