package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AccessRequestHandler;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.HeldDecision;
import org.radmfa.api.MsChapV2Credentials;
import org.radmfa.api.MsChapV2PasswordChange;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.SharedSecret;
import org.radmfa.testsupport.RecordingPipeline;

/**
 * What the decision listeners (audit, radmfa:decisions, metrics) hear of an EAP-MSCHAPv2 login: the pipeline decides
 * on the peer's MS-CHAPv2 Response, but the login ends only when the peer acknowledges the MS-CHAPv2 Success (it has
 * checked the server's authenticator response), so the accept is recorded then, once, as the NAS got it.
 */
class EapMsChapV2Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final RadiusClient CLIENT = new RadiusClient("gw", "127.0.0.1", SharedSecret.of("s"), null, true);
    private static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.1", 40000);
    private static final String AUTHENTICATOR_RESPONSE = "S=0123456789ABCDEF0123456789ABCDEF01234567";

    private static final long LIFETIME = TimeUnit.SECONDS.toNanos(120);

    private final AtomicInteger requestNumber = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    /** The timer's tasks, run by the test when it moves the clock. */
    private final List<Runnable> timers = new CopyOnWriteArrayList<>();
    private final EapMsChapV2 engine = new EapMsChapV2(new UnsupportedMethodLog(), List::of, clock::get,
            (nanos, task) -> timers.add(task));
    private byte[] state;

    @Test
    void anAcknowledgedLoginIsRecordedOnceAsTheAcceptTheNasGets() throws Exception {
        RecordingPipeline pipeline = acceptingPipeline();
        byte[] success = upToTheSuccess(pipeline);
        assertEquals(3, success[5], "the MS-CHAPv2 Success");
        assertTrue(pipeline.heard.isEmpty(), "nothing recorded while the peer may still refuse: " + pipeline.heard);

        Decision accepted = step(new byte[] {2, success[1], 0, 6, 26, 3}, pipeline);
        assertEquals(Decision.Outcome.ACCEPT, accepted.outcome(), accepted.detail());
        assertEquals(3, eap(accepted)[0], "EAP-Success");
        assertEquals(1, pipeline.heard.size(), "recorded once: " + pipeline.heard);
        DecisionRecord record = pipeline.heard.get(0);
        Decision recorded = record.decision();
        assertEquals(Decision.Outcome.ACCEPT, recorded.outcome());
        assertEquals(ReasonCode.ACCEPTED, recorded.reason());
        assertEquals("granted by network policy 'VPN users'", recorded.detail(), "the pipeline's explanation");
        assertEquals("VPN users", recorded.policyName());
        assertEquals("alice", record.userName());
        assertEquals(AuthMethod.EAP_MSCHAPV2, record.method());
        assertEquals("radmfa:3f1c9a2e", attribute(recorded, "Class"), "the correlation id the NAS got");
        assertEquals(attribute(accepted, "Class"), attribute(recorded, "Class"));
        assertTrue(recorded.replyAttributes().stream().anyMatch(a -> a.name().equals("EAP-Message")),
                "the reply attributes the NAS got: " + recorded.replyAttributes());
        String trace = recorded.trace().toString();
        assertTrue(trace.contains("network policy 'VPN users' granted"), "the pipeline's trace: " + trace);
        assertTrue(trace.contains("acknowledged"), "then the method's line: " + trace);
    }

    /**
     * The peer checks the authenticator response (the server's proof that it knows the password) and refuses it: an
     * impersonated server. The NAS gets EAP-Failure, and so does the audit, never the pipeline's accept.
     */
    @Test
    void aPeerThatRefusesTheAuthenticatorResponseIsRecordedAsTheRefusal() throws Exception {
        RecordingPipeline pipeline = acceptingPipeline();
        byte[] success = upToTheSuccess(pipeline);
        Decision refused = step(new byte[] {2, success[1], 0, 6, 26, 4}, pipeline);
        assertEquals(Decision.Outcome.REJECT, refused.outcome());
        assertEquals(4, eap(refused)[0], "EAP-Failure");
        assertEquals(1, pipeline.heard.size(), "recorded once: " + pipeline.heard);
        Decision recorded = pipeline.heard.get(0).decision();
        assertEquals(Decision.Outcome.REJECT, recorded.outcome());
        assertEquals(ReasonCode.MALFORMED_REQUEST, recorded.reason());
        assertEquals(refused.detail(), recorded.detail());
        assertTrue(recorded.detail().contains("did not acknowledge"), recorded.detail());
        assertEquals("VPN users", recorded.policyName());
        String trace = recorded.trace().toString();
        assertTrue(trace.contains("network policy 'VPN users' granted"), "the pipeline's trace: " + trace);
        assertTrue(trace.indexOf("did not acknowledge") > trace.indexOf("granted"), "then the method's: " + trace);
    }

    /** RFC 3748 allows a Nak only as the answer to a method's first request, never to the MS-CHAPv2 Success. */
    @Test
    void aNakOrAnotherMethodAfterTheSuccessIsRecordedAsTheRefusal() throws Exception {
        for (byte[] answer : List.of(new byte[] {2, 0, 0, 6, 3, 13}, new byte[] {2, 0, 0, 6, 13, 0})) {
            RecordingPipeline pipeline = acceptingPipeline();
            byte[] success = upToTheSuccess(pipeline);
            answer[1] = success[1];
            Decision refused = step(answer, pipeline);
            assertEquals(Decision.Outcome.REJECT, refused.outcome());
            assertEquals(List.of(Decision.Outcome.REJECT),
                    pipeline.heard.stream().map(r -> r.decision().outcome()).toList());
            assertEquals(refused.reason(), pipeline.heard.get(0).decision().reason());
            assertEquals(0, engine.sessions());
        }
    }

    @Test
    void aRejectedLoginIsRecordedAtOnceAsTheRejectTheNasGets() throws Exception {
        RecordingPipeline pipeline = new RecordingPipeline(request -> new Decision(Decision.Outcome.REJECT,
                ReasonCode.AUTHENTICATION_FAILED, "wrong password", "VPN users",
                ((MsChapV2Credentials) request.credentials()).failureAttributes(ReasonCode.AUTHENTICATION_FAILED),
                List.of("directory 'local': wrong password")));
        byte[] challenge = eap(step(identity(), null));
        Decision rejected = step(msChapResponse(challenge, "alice"), pipeline);
        assertEquals(Decision.Outcome.REJECT, rejected.outcome());
        assertEquals(4, eap(rejected)[0], "EAP-Failure");
        assertEquals(1, pipeline.heard.size(), "recorded once: " + pipeline.heard);
        assertEquals(ReasonCode.AUTHENTICATION_FAILED, pipeline.heard.get(0).decision().reason());
        assertEquals("wrong password", pipeline.heard.get(0).decision().detail());
        assertEquals(0, engine.sessions());
    }

    /**
     * An expired password: the directory's refusal of the old password is a login of its own, recorded at once as
     * today; the Change-Password is another, recorded when the peer acknowledges its Success.
     */
    @Test
    void aPasswordChangeKeepsItsTwoRecordsTheSecondWhenThePeerAcknowledges() throws Exception {
        RecordingPipeline pipeline = changingPipeline();
        byte[] challenge = eap(step(identity(), null));
        byte[] offer = eap(step(msChapResponse(challenge, "frank"), pipeline));
        assertEquals(4, offer[5], "the MS-CHAPv2 Failure Request offering the change");
        assertEquals(List.of(ReasonCode.PASSWORD_MUST_CHANGE),
                pipeline.heard.stream().map(r -> r.decision().reason()).toList(), "the old password's refusal");

        byte[] success = eap(step(changePassword(offer, challenge[6]), pipeline));
        assertEquals(3, success[5], "the MS-CHAPv2 Success");
        assertEquals(1, pipeline.heard.size(), "the change waits for the peer: " + pipeline.heard);

        Decision accepted = step(new byte[] {2, success[1], 0, 6, 26, 3}, pipeline);
        assertEquals(Decision.Outcome.ACCEPT, accepted.outcome());
        assertEquals(List.of(ReasonCode.PASSWORD_MUST_CHANGE, ReasonCode.ACCEPTED),
                pipeline.heard.stream().map(r -> r.decision().reason()).toList());
        assertEquals("password changed", pipeline.heard.get(1).decision().detail());
    }

    @Test
    void aDeclinedPasswordChangeKeepsItsOneRecord() throws Exception {
        RecordingPipeline pipeline = changingPipeline();
        byte[] challenge = eap(step(identity(), null));
        byte[] offer = eap(step(msChapResponse(challenge, "frank"), pipeline));
        Decision declined = step(new byte[] {2, offer[1], 0, 6, 26, 4}, pipeline);
        assertEquals(ReasonCode.PASSWORD_MUST_CHANGE, declined.reason());
        assertEquals(List.of(ReasonCode.PASSWORD_MUST_CHANGE),
                pipeline.heard.stream().map(r -> r.decision().reason()).toList());
        assertEquals(0, engine.sessions());
    }

    /**
     * wpa_supplicant, given an authenticator response it cannot verify, sends nothing at all: no datagram comes
     * again, so the timer ends the conversation and records the held accept as the refusal it was.
     */
    @Test
    void aPeerThatFallsSilentAfterTheSuccessIsRecordedWhenItsTimeRunsOut() throws Exception {
        RecordingPipeline pipeline = acceptingPipeline();
        upToTheSuccess(pipeline);
        assertEquals(1, timers.size(), "the held decision is watched");

        clock.addAndGet(LIFETIME - 1);
        timers.remove(0).run();
        assertTrue(pipeline.heard.isEmpty(), "the peer still has time");
        assertEquals(1, timers.size(), "watched again");

        clock.addAndGet(2);
        timers.remove(0).run();
        assertEquals(0, engine.sessions());
        assertEquals(1, pipeline.heard.size(), "recorded once: " + pipeline.heard);
        Decision recorded = pipeline.heard.get(0).decision();
        assertEquals(Decision.Outcome.REJECT, recorded.outcome());
        assertEquals(ReasonCode.MALFORMED_REQUEST, recorded.reason());
        assertTrue(recorded.detail().contains("did not acknowledge the MS-CHAPv2 Success within 120 s"),
                recorded.detail());
        assertEquals("VPN users", recorded.policyName());
        assertTrue(recorded.trace().toString().contains("network policy 'VPN users' granted"));
        assertTrue(timers.isEmpty(), "nothing left to watch: the timer stops");
    }

    /** One timer for every conversation waiting, set again for the next to run out, none once all are answered. */
    @Test
    void oneTimerWatchesAllWaitingConversationsAndStopsWhenNoneWaits() throws Exception {
        RecordingPipeline pipeline = acceptingPipeline();
        byte[] first = upToTheSuccess(pipeline);
        byte[] firstState = state;
        clock.addAndGet(LIFETIME / 2);
        upToTheSuccess(pipeline);
        assertEquals(1, timers.size(), "one timer for both");

        clock.addAndGet(LIFETIME / 2 + 1);
        timers.remove(0).run();
        assertEquals(1, pipeline.heard.size(), "the first has run out: " + pipeline.heard);
        assertEquals(Decision.Outcome.REJECT, pipeline.heard.get(0).decision().outcome());
        assertEquals(1, timers.size(), "set again for the second");

        Decision accepted = step(new byte[] {2, 0, 0, 6, 26, 3}, pipeline);
        assertEquals(Decision.Outcome.ACCEPT, accepted.outcome(), accepted.detail());
        timers.remove(0).run();
        assertTrue(timers.isEmpty(), "nothing left to watch");

        state = firstState;
        Decision late = step(new byte[] {2, first[1], 0, 6, 26, 3}, pipeline);
        assertEquals(Decision.Outcome.REJECT, late.outcome(), "the first one's acknowledgement comes too late");
        assertEquals(List.of(Decision.Outcome.REJECT, Decision.Outcome.ACCEPT),
                pipeline.heard.stream().map(r -> r.decision().outcome()).toList(), "each recorded once");
        assertEquals(0, engine.sessions());
    }

    /** An acknowledgement after the peer's time ran out, before any timer or sweep: refused, recorded as such. */
    @Test
    void anAcknowledgementAfterItsTimeRanOutIsRefusedAndRecordedOnce() throws Exception {
        RecordingPipeline pipeline = acceptingPipeline();
        byte[] success = upToTheSuccess(pipeline);
        clock.addAndGet(LIFETIME + 1);
        Decision late = step(new byte[] {2, success[1], 0, 6, 26, 3}, pipeline);
        assertEquals(Decision.Outcome.REJECT, late.outcome());
        assertEquals(4, eap(late)[0], "EAP-Failure");
        assertEquals(1, pipeline.heard.size(), "recorded once: " + pipeline.heard);
        assertEquals(Decision.Outcome.REJECT, pipeline.heard.get(0).decision().outcome());
        timers.remove(0).run();
        assertEquals(1, pipeline.heard.size(), "and not again by the timer: " + pipeline.heard);
    }

    /** The sweep (every 1024 new conversations) removes what has run out, and records what it held. */
    @Test
    void theSweepRecordsTheHeldDecisionsItRemoves() throws Exception {
        RecordingPipeline pipeline = acceptingPipeline();
        upToTheSuccess(pipeline);
        clock.addAndGet(LIFETIME + 1);
        for (int i = 0; i < 1024; i++) {
            step(identity(), null);
        }
        assertEquals(1, pipeline.heard.size(), "recorded by the sweep: " + pipeline.heard);
        assertEquals(Decision.Outcome.REJECT, pipeline.heard.get(0).decision().outcome());
        assertEquals(1024, engine.sessions(), "the run-out one gone, the 1024 new ones kept");
        timers.remove(0).run();
        assertEquals(1, pipeline.heard.size(), "and not again by the timer: " + pipeline.heard);
    }

    /** MFA may take longer than the conversation's lifetime: it stays, and the peer's time starts at the decision. */
    @Test
    void aDecisionThatTakesLongerThanTheLifetimeStillGetsTheAcknowledgement() throws Exception {
        RecordingPipeline decider = acceptingPipeline();
        CompletableFuture<HeldDecision> mfa = new CompletableFuture<>();
        List<HeldDecision> decided = new CopyOnWriteArrayList<>();
        AccessRequestHandler pipeline = new AccessRequestHandler() {
            @Override
            public java.util.concurrent.CompletionStage<Decision> handle(
                    org.radmfa.api.AuthenticationRequest request) {
                throw new AssertionError("held, not handled");
            }

            @Override
            public java.util.concurrent.CompletionStage<HeldDecision> hold(
                    org.radmfa.api.AuthenticationRequest request) {
                decided.add(decider.hold(request).toCompletableFuture().join());
                return mfa;
            }
        };
        byte[] challenge = eap(step(identity(), null));
        byte[] responseState = state;
        CompletableFuture<Decision> pending = engine.handle(context(msChapResponse(challenge, "alice")), pipeline)
                .toCompletableFuture();
        clock.addAndGet(LIFETIME + 1);
        for (int i = 0; i < 1024; i++) {
            step(identity(), null); // the sweep runs while the user approves the push
        }
        assertFalse(pending.isDone());
        assertEquals(1025, engine.sessions(), "the conversation waiting for the pipeline is kept");
        state = responseState;
        mfa.complete(decided.get(0)); // the push is approved
        Decision success = pending.get(10, TimeUnit.SECONDS);
        assertEquals(Decision.Outcome.CHALLENGE, success.outcome(), success.detail());
        clock.addAndGet(LIFETIME - 1);
        Decision accepted = step(new byte[] {2, eap(success)[1], 0, 6, 26, 3}, decider);
        assertEquals(Decision.Outcome.ACCEPT, accepted.outcome(), accepted.detail());
        assertEquals(List.of(Decision.Outcome.ACCEPT),
                decider.heard.stream().map(r -> r.decision().outcome()).toList());
    }

    /**
     * While the push waits, the NAS re-sends the peer's retransmitted Response in a new Access-Request (an
     * authenticator retransmitting its EAP-Request): it is answered with the same decision when it comes, not
     * decided again and not refused; so is a copy that arrives after the Success went out. The login still ends with
     * the acknowledgement, recorded once.
     */
    @Test
    void aRetransmittedResponseGetsTheSameAnswerAndIsNotDecidedTwice() throws Exception {
        RecordingPipeline decider = acceptingPipeline();
        CompletableFuture<HeldDecision> mfa = new CompletableFuture<>();
        AtomicInteger decisions = new AtomicInteger();
        AccessRequestHandler pipeline = new AccessRequestHandler() {
            @Override
            public java.util.concurrent.CompletionStage<Decision> handle(
                    org.radmfa.api.AuthenticationRequest request) {
                throw new AssertionError("held, not handled");
            }

            @Override
            public java.util.concurrent.CompletionStage<HeldDecision> hold(
                    org.radmfa.api.AuthenticationRequest request) {
                decisions.incrementAndGet();
                HeldDecision held = decider.hold(request).toCompletableFuture().join();
                return mfa.thenApply(ignored -> held);
            }
        };
        byte[] challenge = eap(step(identity(), null));
        byte[] responseState = state;
        byte[] response = msChapResponse(challenge, "alice");
        CompletableFuture<Decision> first = engine.handle(context(response), pipeline).toCompletableFuture();
        state = responseState;
        CompletableFuture<Decision> again = engine.handle(context(response), pipeline).toCompletableFuture();
        assertFalse(again.isDone(), "no answer before the decision: " + (again.isDone() ? again.join() : ""));
        mfa.complete(null); // the push is approved
        Decision success = first.get(10, TimeUnit.SECONDS);
        assertEquals(Decision.Outcome.CHALLENGE, success.outcome(), success.detail());
        Decision sameSuccess = again.get(10, TimeUnit.SECONDS);
        assertEquals(Decision.Outcome.CHALLENGE, sameSuccess.outcome(), sameSuccess.detail());
        assertEquals(HEX.formatHex(eap(success)), HEX.formatHex(eap(sameSuccess)));
        state = responseState;
        Decision late = engine.handle(context(response), pipeline).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(HEX.formatHex(eap(success)), HEX.formatHex(eap(late)), "a late copy: the same Success again");
        assertEquals(1, decisions.get(), "decided once");
        state = responseState;
        Decision accepted = step(new byte[] {2, eap(success)[1], 0, 6, 26, 3}, decider);
        assertEquals(Decision.Outcome.ACCEPT, accepted.outcome(), accepted.detail());
        assertEquals(List.of(Decision.Outcome.ACCEPT),
                decider.heard.stream().map(r -> r.decision().outcome()).toList());
    }

    /** An accept the engine cannot turn into an MS-CHAPv2 Success is refused, recorded, and leaves nothing behind. */
    @Test
    void anAcceptWithAMalformedSuccessIsRecordedAsTheRefusal() throws Exception {
        RecordingPipeline pipeline = new RecordingPipeline(request -> new Decision(Decision.Outcome.ACCEPT,
                ReasonCode.ACCEPTED, "granted", "VPN users", List.of(new ReplyAttribute("MS-CHAP2-Success", "0x")),
                List.of()));
        byte[] challenge = eap(step(identity(), null));
        Decision refused = step(msChapResponse(challenge, "alice"), pipeline);
        assertEquals(Decision.Outcome.REJECT, refused.outcome());
        assertEquals(4, eap(refused)[0], "EAP-Failure");
        assertEquals(List.of(ReasonCode.INTERNAL_ERROR),
                pipeline.heard.stream().map(r -> r.decision().reason()).toList());
        assertEquals(0, engine.sessions());
    }

    /** Identity, MS-CHAPv2 Challenge, Response: the EAP-Request carrying the MS-CHAPv2 Success. */
    private byte[] upToTheSuccess(RecordingPipeline pipeline) throws Exception {
        byte[] challenge = eap(step(identity(), null));
        assertEquals(26, challenge[4], "EAP-MSCHAPv2");
        assertEquals(1, challenge[5], "the MS-CHAPv2 Challenge");
        Decision next = step(msChapResponse(challenge, "alice"), pipeline);
        assertEquals(Decision.Outcome.CHALLENGE, next.outcome(), next.detail());
        return eap(next);
    }

    /** The pipeline accepts the response (with its Class, as the real one does) after its own trace. */
    private static RecordingPipeline acceptingPipeline() {
        return new RecordingPipeline(request -> new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED,
                "granted by network policy 'VPN users'", "VPN users", List.of(
                        new ReplyAttribute("MS-CHAP2-Success", "0x" + HEX.toHexDigits(
                                (byte) ((MsChapV2Credentials) request.credentials()).ident())
                                + HEX.formatHex(AUTHENTICATOR_RESPONSE.getBytes(StandardCharsets.US_ASCII))),
                        new ReplyAttribute("MS-MPPE-Send-Key", "0x" + "5a".repeat(16)),
                        new ReplyAttribute("MS-MPPE-Recv-Key", "0x" + "a5".repeat(16)),
                        new ReplyAttribute("Class", "radmfa:3f1c9a2e")),
                List.of("directory 'local': 'alice' authenticated", "network policy 'VPN users' granted")));
    }

    /** The directory says the password must change, then accepts the change. */
    private static RecordingPipeline changingPipeline() {
        return new RecordingPipeline(request -> {
            if (request.credentials() instanceof MsChapV2PasswordChange change) {
                return new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "password changed", "VPN users",
                        List.of(new ReplyAttribute("MS-CHAP2-Success", "0x" + HEX.toHexDigits(
                                (byte) change.response().ident())
                                + HEX.formatHex(AUTHENTICATOR_RESPONSE.getBytes(StandardCharsets.US_ASCII)))),
                        List.of("directory 'ad': password changed"));
            }
            MsChapV2Credentials msChap = (MsChapV2Credentials) request.credentials();
            return new Decision(Decision.Outcome.REJECT, ReasonCode.PASSWORD_MUST_CHANGE, "must change", null,
                    msChap.failureAttributes(ReasonCode.PASSWORD_MUST_CHANGE, true), List.of());
        });
    }

    private RequestDecoder.EapContext context(byte[] eapPacket) {
        return new RequestDecoder.EapContext("rq-" + requestNumber.incrementAndGet(), CLIENT, SOURCE, "alice",
                eapPacket, state, List.of());
    }

    private Decision step(byte[] eapPacket, AccessRequestHandler pipeline) throws Exception {
        Decision decision = engine.handle(context(eapPacket), pipeline).toCompletableFuture().get(10,
                TimeUnit.SECONDS);
        String value = attribute(decision, "State");
        if (value != null) {
            state = HEX.parseHex(value.substring(2));
        }
        return decision;
    }

    /** The peer's EAP-Response/Identity, which starts a conversation (no State). */
    private byte[] identity() {
        state = null;
        return new byte[] {2, 5, 0, 10, 1, 'a', 'l', 'i', 'c', 'e'};
    }

    /** The peer's MS-CHAPv2 Response to this Challenge (the pipeline stand-in checks no hash). */
    private static byte[] msChapResponse(byte[] challenge, String name) {
        byte[] nameOctets = name.getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[5 + 54 + nameOctets.length];
        response[0] = 2;
        response[1] = challenge[1];
        response[3] = (byte) response.length;
        response[4] = 26;
        response[5] = 2;
        response[6] = challenge[6];
        response[8] = (byte) (response.length - 5);
        response[9] = 49;
        System.arraycopy(nameOctets, 0, response, 59, nameOctets.length);
        return response;
    }

    /** The peer's Change-Password, answering the Failure Request that offered it. */
    private static byte[] changePassword(byte[] offer, byte msChapId) {
        byte[] change = new byte[5 + 586];
        change[0] = 2;
        change[1] = offer[1];
        change[2] = (byte) (change.length >> 8);
        change[3] = (byte) change.length;
        change[4] = 26;
        change[5] = 7;
        change[6] = (byte) (msChapId + 1);
        change[7] = (byte) (586 >> 8);
        change[8] = (byte) 586;
        return change;
    }

    /** The EAP packet of a decision's EAP-Message attributes. */
    private static byte[] eap(Decision decision) {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        for (ReplyAttribute attribute : decision.replyAttributes()) {
            if (attribute.name().equals("EAP-Message")) {
                packet.writeBytes(HEX.parseHex(attribute.value().substring(2)));
            }
        }
        return packet.toByteArray();
    }

    private static String attribute(Decision decision, String name) {
        return decision.replyAttributes().stream().filter(a -> a.name().equals(name)).map(ReplyAttribute::value)
                .findFirst().orElse(null);
    }
}
