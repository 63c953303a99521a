package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.UserDirectory;

/** The orchestrator: its stages get the services bound at the moment, and its configuration reaches them. */
class RequestPipelineWiringTest {
    private static final UserDirectory LOCAL = new UserDirectory() {
        @Override
        public String name() {
            return "local";
        }

        @Override
        public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
            return CompletableFuture.completedFuture(Fakes.accepted(request.userName(), "vpn"));
        }
    };

    private final Fakes.Time time = new Fakes.Time();
    private final Fakes.Deadlines deadlines = new Fakes.Deadlines();

    private RequestPipeline pipeline() {
        RequestPipeline pipeline = new RequestPipeline(time, time.nanoTime, deadlines);
        pipeline.bindDirectories(List.of(LOCAL));
        pipeline.policyEngine((request, user) -> Fakes.MFA_POLICY);
        return pipeline;
    }

    private static CompletableFuture<Decision> login(RequestPipeline pipeline, String user) {
        return pipeline.handle(Fakes.pap(user, "pw")).toCompletableFuture();
    }

    @Test
    void aConnectorSwappedMidPushFinishesTheLoginOnTheOldOneAndTheNextLoginUsesTheNewOne() {
        RequestPipeline pipeline = pipeline();
        Fakes.Connector old = new Fakes.Connector("old");
        pipeline.mfaConnector(old);
        CompletableFuture<Decision> inFlight = login(pipeline, "alice");
        Fakes.Connector fresh = new Fakes.Connector("new").answering(MfaOutcome.of(MfaOutcome.Kind.DENIED, "no"));
        pipeline.mfaConnector(fresh);
        assertEquals("new", pipeline.status().connector());
        assertFalse(inFlight.isDone());
        old.next.complete(MfaOutcome.of(MfaOutcome.Kind.APPROVED, "approved on the old one"));
        assertEquals(Decision.Outcome.ACCEPT, inFlight.join().outcome());
        assertEquals(ReasonCode.MFA_DENIED, login(pipeline, "bob").join().reason());
        assertEquals(1, old.pushes());
        pipeline.mfaConnector(null);
        assertEquals(ReasonCode.MFA_UNAVAILABLE, login(pipeline, "carol").join().reason(),
                "unbound: a reject, never an accept");
    }

    @Test
    void theConfiguredDeadlineBoundsTheSecondFactor() {
        RequestPipeline pipeline = pipeline();
        pipeline.configure(Map.of("mfaTimeoutSeconds", "25"));
        Fakes.Connector silent = new Fakes.Connector("push");
        pipeline.mfaConnector(silent);
        CompletableFuture<Decision> waiting = login(pipeline, "alice");
        assertEquals(List.of(Duration.ofSeconds(25)), deadlines.timeouts);
        assertEquals(time.instant().plusSeconds(25), silent.asked.get(0).deadline());
        deadlines.pass();
        assertEquals(ReasonCode.MFA_TIMED_OUT, waiting.join().reason());
        assertEquals(1L, pipeline.status().outcomes().get(MfaOutcome.Kind.TIMED_OUT));
    }

    @Test
    void aRefusedConfigurationLeavesTheLastGoodOneServing() {
        RequestPipeline pipeline = pipeline();
        pipeline.mfaConnector(new Fakes.Connector("push").answering(MfaOutcome.of(MfaOutcome.Kind.UNAVAILABLE,
                "HTTP 503")));
        pipeline.configure(Map.of("mfaFailMode", "accept"));
        assertEquals(Decision.Outcome.ACCEPT, login(pipeline, "erin").join().outcome());
        pipeline.configure(Map.of("mfaFailMode", "reject", "decisionLogSize", "lots"));
        assertEquals(Decision.Outcome.ACCEPT, login(pipeline, "frank").join().outcome(),
                "the whole refused configuration is ignored, not only its bad key");
        pipeline.configure(Map.of("mfaFailMode", "reject"));
        assertEquals(ReasonCode.MFA_UNAVAILABLE, login(pipeline, "gina").join().reason());
    }
}
