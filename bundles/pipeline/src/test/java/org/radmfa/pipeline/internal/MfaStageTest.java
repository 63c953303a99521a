package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.MfaListener;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;

/** The MFA stage alone: a fake connector, time and the MFA deadline moved by the test, no sleeps. */
class MfaStageTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final PrimaryAuthResult ALICE = Fakes.accepted("alice", "vpn");

    private final Fakes.Time time = new Fakes.Time();
    private final Fakes.Deadlines deadlines = new Fakes.Deadlines();
    private final List<MfaOutcome.Kind> heard = new ArrayList<>();
    private final MfaGuards guards = new MfaGuards(2, TimeUnit.MINUTES.toNanos(10), TimeUnit.MINUTES.toNanos(5));
    private final Challenges challenges = new Challenges(() -> null, time, time.nanoTime);
    private final FailMode failMode = new FailMode();
    private final MfaCounters counters = new MfaCounters(() -> List.<MfaListener>of((kind, took) -> heard.add(kind)),
            time, time.nanoTime);
    /** The connector DS has bound: the one each test asks, until a test unbinds it. */
    private volatile MfaConnector installed;
    private final MfaStage stage = new MfaStage(guards, challenges, failMode, counters, () -> null, () -> installed,
            deadlines, time, time.nanoTime);

    MfaStageTest() {
        stage.timeout(TIMEOUT);
        challenges.timeout(TIMEOUT);
    }

    private CompletableFuture<Decision> verify(AuthenticationRequest request, Fakes.Connector connector) {
        installed = connector;
        return stage.verify(request, ALICE, Fakes.MFA_POLICY, connector, new ArrayList<>()).toCompletableFuture();
    }

    private static String state(Decision challenge) {
        return challenge.replyAttributes().stream().filter(a -> a.name().equals("State")).findFirst().orElseThrow()
                .value();
    }

    @Test
    void withoutAConnectorASecondFactorIsARejectNeverAnAccept() {
        Decision decision = verify(Fakes.pap("alice", "pw"), null).join();
        assertEquals(ReasonCode.MFA_UNAVAILABLE, decision.reason());
        assertTrue(decision.detail().contains("no MFA connector is installed"), decision.detail());
    }

    @Test
    void theConnectorIsAskedWithTheDeadlineAndAnApprovalKeepsThePolicySettings() {
        Fakes.Connector connector = new Fakes.Connector("push");
        CompletableFuture<Decision> decision = verify(Fakes.pap("alice", "pw"), connector);
        assertFalse(decision.isDone(), "waits for the phone");
        assertEquals(time.instant().plus(TIMEOUT), connector.asked.get(0).deadline());
        assertEquals(List.of(TIMEOUT), deadlines.timeouts);
        time.advance(Duration.ofSeconds(7));
        connector.next.complete(MfaOutcome.of(MfaOutcome.Kind.APPROVED, "approved"));
        assertEquals(Decision.Outcome.ACCEPT, decision.join().outcome());
        assertEquals(Fakes.SETTINGS, decision.join().replyAttributes());
        assertEquals(List.of(MfaOutcome.Kind.APPROVED), heard);
        assertEquals(time.instant(), counters.status("push", 0).lastApproved());
    }

    @Test
    void aConnectorThatNeverAnswersIsATimedOutRejectWhenTheDeadlinePasses() {
        Fakes.Connector silent = new Fakes.Connector("push");
        CompletableFuture<Decision> decision = verify(Fakes.pap("alice", "pw"), silent);
        assertFalse(decision.isDone());
        deadlines.pass();
        assertEquals(ReasonCode.MFA_TIMED_OUT, decision.join().reason());
        assertEquals(List.of(MfaOutcome.Kind.TIMED_OUT), heard);
        assertEquals(0, stage.pending(), "no longer pending once answered");
    }

    @Test
    void thePushFatigueWindowSlidesWithTime() {
        Fakes.Connector connector = new Fakes.Connector("push").answering(MfaOutcome.of(MfaOutcome.Kind.DENIED, "no"));
        assertEquals(ReasonCode.MFA_DENIED, verify(Fakes.pap("bob", "pw", Fakes.station("a")), connector).join()
                .reason());
        assertEquals(ReasonCode.MFA_DENIED, verify(Fakes.pap("bob", "pw", Fakes.station("b")), connector).join()
                .reason());
        assertEquals(ReasonCode.MFA_RATE_LIMITED, verify(Fakes.pap("bob", "pw", Fakes.station("c")), connector).join()
                .reason());
        time.advance(Duration.ofMinutes(10));
        assertEquals(ReasonCode.MFA_DENIED, verify(Fakes.pap("bob", "pw", Fakes.station("c")), connector).join()
                .reason(), "the window has passed");
        assertEquals(3, connector.pushes());
    }

    @Test
    void theReconnectGraceEndsWithItsMinutes() {
        Fakes.Connector connector = new Fakes.Connector("push")
                .answering(MfaOutcome.of(MfaOutcome.Kind.APPROVED, "ok"));
        assertEquals(Decision.Outcome.ACCEPT, verify(Fakes.pap("dave", "pw", Fakes.station("a")), connector).join()
                .outcome());
        time.advance(Duration.ofMinutes(4));
        Decision again = verify(Fakes.pap("dave", "pw", Fakes.station("a")), connector).join();
        assertTrue(again.detail().contains("reconnect grace"), again.detail());
        assertEquals(1, connector.pushes());
        time.advance(Duration.ofMinutes(2));
        verify(Fakes.pap("dave", "pw", Fakes.station("a")), connector).join();
        assertEquals(2, connector.pushes(), "five minutes after the approval, a new prompt");
    }

    @Test
    void aChallengeIsAnsweredOnceWithinTheDeadlineByTheConnectorThatMadeIt() {
        Fakes.Connector otp = new Fakes.Connector("otp").answering(new MfaOutcome(MfaOutcome.Kind.CHALLENGE,
                "code asked for", "Code?", new byte[] {1, 2, 3}));
        Decision challenge = verify(Fakes.pap("alice", "pw"), otp).join();
        assertEquals(Decision.Outcome.CHALLENGE, challenge.outcome());
        assertEquals(List.of(new ReplyAttribute("Reply-Message", "Code?"), new ReplyAttribute("State", "0x010203")),
                challenge.replyAttributes());
        assertEquals(1, stage.pending());

        otp.answering(MfaOutcome.of(MfaOutcome.Kind.APPROVED, "code ok"));
        Decision accept = stage.resume(Fakes.pap("ALICE", "123456"), state(challenge), otp, new ArrayList<>())
                .toCompletableFuture().join();
        assertEquals(Decision.Outcome.ACCEPT, accept.outcome(), accept.detail());
        assertEquals(Fakes.SETTINGS, accept.replyAttributes(), "the first round's policy settings");
        assertEquals("123456", otp.asked.get(1).challengeResponse());
        assertEquals(ReasonCode.MFA_DENIED, stage.resume(Fakes.pap("alice", "123456"), state(challenge), otp,
                new ArrayList<>()).toCompletableFuture().join().reason(), "a State answers once");
    }

    @Test
    void anAnswerAfterTheDeadlineOrToASwappedConnectorIsRejected() {
        Fakes.Connector otp = new Fakes.Connector("otp").answering(new MfaOutcome(MfaOutcome.Kind.CHALLENGE,
                "code asked for", "Code?", new byte[] {9}));
        Decision late = verify(Fakes.pap("alice", "pw"), otp).join();
        time.advance(TIMEOUT.plusSeconds(1));
        assertEquals(ReasonCode.MFA_DENIED, stage.resume(Fakes.pap("alice", "1"), state(late), otp,
                new ArrayList<>()).toCompletableFuture().join().reason());

        Decision swapped = verify(Fakes.pap("alice", "pw"), otp).join();
        Decision gone = stage.resume(Fakes.pap("alice", "1"), state(swapped), new Fakes.Connector("entra"),
                new ArrayList<>()).toCompletableFuture().join();
        assertEquals(ReasonCode.MFA_UNAVAILABLE, gone.reason());
        assertTrue(gone.detail().contains("no longer installed"), gone.detail());
        assertEquals(2, otp.pushes(), "the connector that challenged was not asked the answer");
    }

    @Test
    void anUnavailableServiceGoesThroughTheFailMode() {
        Fakes.Connector down = new Fakes.Connector("push")
                .answering(MfaOutcome.of(MfaOutcome.Kind.UNAVAILABLE, "HTTP 503"));
        assertEquals(ReasonCode.MFA_UNAVAILABLE, verify(Fakes.pap("erin", "pw"), down).join().reason());
        failMode.configure(new PipelineSettings.FailOpen(true, java.util.Set.of()));
        Decision open = verify(Fakes.pap("erin", "pw", Fakes.station("b")), down).join();
        assertEquals(Decision.Outcome.ACCEPT, open.outcome());
        assertEquals("HTTP 503", counters.status("push", 0).lastUnavailableDetail());
        assertNull(counters.status("push", 0).lastApproved(), "a fail-open accept is no approval");
    }

    @Test
    void aConnectorStoppedWhileTheUserIsAskedIsARejectEvenWhenFailingOpen() {
        failMode.configure(new PipelineSettings.FailOpen(true, java.util.Set.of()));
        Fakes.Connector stopping = new Fakes.Connector("entra");
        CompletableFuture<Decision> pending = verify(Fakes.pap("erin", "pw"), stopping);
        installed = null; // DS unregisters the connector's service, then deactivates it, which ends its logins
        stopping.next.complete(MfaOutcome.of(MfaOutcome.Kind.UNAVAILABLE, "Entra connector stopped"));
        Decision decision = pending.join();
        assertEquals(Decision.Outcome.REJECT, decision.outcome(), decision.detail());
        assertEquals(ReasonCode.MFA_UNAVAILABLE, decision.reason());
        assertTrue(decision.trace().stream().anyMatch(line -> line.contains("stopped while the user was being asked")),
                decision.trace().toString());

        Fakes.Connector down = new Fakes.Connector("entra")
                .answering(MfaOutcome.of(MfaOutcome.Kind.UNAVAILABLE, "HTTP 503"));
        assertEquals(Decision.Outcome.ACCEPT, verify(Fakes.pap("erin", "pw", Fakes.station("c")), down).join()
                .outcome(), "an installed connector whose service is down still fails open");
    }
}
