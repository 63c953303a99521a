package org.radmfa.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ConnectionDecision;
import org.radmfa.api.Decision;
import org.radmfa.api.HeldDecision;
import org.radmfa.api.LoggingHealth;
import org.radmfa.api.MfaConnector;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaRequest;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PolicyEngine;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.User;
import org.radmfa.api.UserDirectory;

class RequestPipelineTest {
    private static final AuthenticationRequest REQUEST = new AuthenticationRequest("t-1",
            new RadiusClient("gw", "127.0.0.1", SharedSecret.of("x"), null, true), new InetSocketAddress(1812),
            "alice", new PapCredentials("pw"), List.of(), Instant.now());
    private static final List<ReplyAttribute> SETTINGS = List.of(new ReplyAttribute("Session-Timeout", "3600"));

    private static UserDirectory directory(PrimaryAuthResult result) {
        return new UserDirectory() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
                return CompletableFuture.completedFuture(result);
            }
        };
    }

    private static final UserDirectory ALICE_OK =
            directory(PrimaryAuthResult.accepted(new User("alice", Set.of("vpn"), "test")));

    private static PolicyEngine grant(boolean mfa) {
        return (request, user) -> new PolicyDecision(true, "P", ReasonCode.ACCEPTED, mfa, SETTINGS, List.of("p"));
    }

    private static MfaConnector connector(CompletableFuture<MfaOutcome> outcome) {
        return new MfaConnector() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public CompletionStage<MfaOutcome> verify(MfaRequest request) {
                return outcome;
            }
        };
    }

    /** The reply attributes without the correlation Class every accept carries. */
    private static List<ReplyAttribute> withoutClass(Decision decision) {
        return decision.replyAttributes().stream().filter(a -> !a.name().equals("Class")).toList();
    }

    private static Decision decide(RequestPipeline pipeline) {
        return pipeline.handle(REQUEST).toCompletableFuture().join();
    }

    @Test
    void grantWithoutMfaAcceptsWithThePolicySettings() {
        Decision decision = decide(new RequestPipeline(ALICE_OK, grant(false), null, Duration.ofSeconds(5)));
        assertEquals(Decision.Outcome.ACCEPT, decision.outcome());
        assertEquals(SETTINGS, withoutClass(decision));
        assertEquals("P", decision.policyName());
    }

    @Test
    void mfaRequiredWithoutConnectorIsRejectedNeverAccepted() {
        Decision decision = decide(new RequestPipeline(ALICE_OK, grant(true), null, Duration.ofSeconds(5)));
        assertEquals(Decision.Outcome.REJECT, decision.outcome());
        assertEquals(ReasonCode.MFA_UNAVAILABLE, decision.reason());
        assertTrue(decision.detail().contains("no MFA connector is installed"));
    }

    @Test
    void approvedSecondFactorKeepsThePolicySettings() {
        Decision decision = decide(new RequestPipeline(ALICE_OK, grant(true),
                connector(CompletableFuture.completedFuture(MfaOutcome.of(MfaOutcome.Kind.APPROVED, "push ok"))),
                Duration.ofSeconds(5)));
        assertEquals(Decision.Outcome.ACCEPT, decision.outcome());
        assertEquals(SETTINGS, withoutClass(decision));
    }

    @Test
    void listenersLearnTheMethodOfEachDecisionAndHowLongEachSecondFactorTook() {
        RequestPipeline pipeline = new RequestPipeline(ALICE_OK, grant(true),
                connector(CompletableFuture.completedFuture(MfaOutcome.of(MfaOutcome.Kind.APPROVED, "push ok"))),
                Duration.ofSeconds(5));
        List<org.radmfa.api.DecisionRecord> decisions = new java.util.ArrayList<>();
        List<MfaOutcome.Kind> mfa = new java.util.ArrayList<>();
        pipeline.bindListeners(List.of(decisions::add));
        pipeline.bindMfaListeners(List.of((outcome, took) -> {
            assertTrue(!took.isNegative(), took.toString());
            mfa.add(outcome);
        }));
        decide(pipeline);
        assertEquals(REQUEST.credentials().method(), decisions.get(0).method());
        assertEquals(List.of(MfaOutcome.Kind.APPROVED), mfa);
    }

    @Test
    void aConnectorThatNeverAnswersTimesOutAsAReject() {
        Decision decision = decide(new RequestPipeline(ALICE_OK, grant(true), connector(new CompletableFuture<>()),
                Duration.ofMillis(50)));
        assertEquals(ReasonCode.MFA_TIMED_OUT, decision.reason());
    }

    @Test
    void deniedAndFailedSecondFactorsAreRejectsWithTheirReasons() {
        assertEquals(ReasonCode.MFA_DENIED, decide(new RequestPipeline(ALICE_OK, grant(true),
                connector(CompletableFuture.completedFuture(MfaOutcome.of(MfaOutcome.Kind.DENIED, "no"))),
                Duration.ofSeconds(5))).reason());
        assertEquals(ReasonCode.MFA_UNAVAILABLE, decide(new RequestPipeline(ALICE_OK, grant(true),
                connector(CompletableFuture.failedFuture(new IllegalStateException("down"))),
                Duration.ofSeconds(5))).reason());
    }

    @Test
    void primaryFailureAndMissingServicesAreRejects() {
        assertEquals(ReasonCode.AUTHENTICATION_FAILED, decide(new RequestPipeline(directory(
                PrimaryAuthResult.rejected(ReasonCode.AUTHENTICATION_FAILED, "wrong password")), grant(false), null,
                Duration.ofSeconds(5))).reason());
        assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE,
                decide(new RequestPipeline(null, grant(false), null, Duration.ofSeconds(5))).reason());
        assertEquals(ReasonCode.SERVICE_UNAVAILABLE,
                decide(new RequestPipeline(ALICE_OK, null, null, Duration.ofSeconds(5))).reason());
        UserDirectory broken = new UserDirectory() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
                throw new IllegalStateException("bug");
            }
        };
        assertEquals(ReasonCode.INTERNAL_ERROR,
                decide(new RequestPipeline(broken, grant(false), null, Duration.ofSeconds(5))).reason());
    }

    @Test
    void theMethodsOwnAttributesFollowTheAnswer() {
        List<ReplyAttribute> keys = List.of(new ReplyAttribute("MS-MPPE-Send-Key", "0x00"));
        Decision accept = decide(new RequestPipeline(directory(PrimaryAuthResult.accepted(
                new User("alice", Set.of(), "test")).withReplyAttributes(keys)), grant(false), null,
                Duration.ofSeconds(5)));
        assertEquals(List.of(SETTINGS.get(0), keys.get(0)), withoutClass(accept));
        List<ReplyAttribute> error = List.of(new ReplyAttribute("MS-CHAP-Error", "0x00"));
        Decision reject = decide(new RequestPipeline(directory(PrimaryAuthResult.rejected(
                ReasonCode.AUTHENTICATION_FAILED, "wrong").withReplyAttributes(error)), grant(false), null,
                Duration.ofSeconds(5)));
        assertEquals(error, reject.replyAttributes());
        Decision denied = decide(new RequestPipeline(directory(PrimaryAuthResult.accepted(
                new User("alice", Set.of(), "test")).withReplyAttributes(keys)),
                (request, user) -> new PolicyDecision(false, "D", ReasonCode.POLICY_DENIED, false, List.of(), List.of()),
                null, Duration.ofSeconds(5)));
        assertTrue(denied.replyAttributes().isEmpty(), "keys never go out with a reject");
    }

    /** A policy engine that routes as told and grants everything. */
    private static PolicyEngine routing(ConnectionDecision route) {
        return new PolicyEngine() {
            @Override
            public ConnectionDecision route(AuthenticationRequest request) {
                return route;
            }

            @Override
            public PolicyDecision evaluate(AuthenticationRequest request, User user) {
                return new PolicyDecision(true, "P", ReasonCode.ACCEPTED, false, List.of(), List.of());
            }
        };
    }

    /** A directory with this name that accepts whoever it is asked about and records the name it saw. */
    private static UserDirectory named(String name, List<String> seen) {
        return new UserDirectory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
                seen.add(name + ":" + request.userName());
                return CompletableFuture.completedFuture(
                        PrimaryAuthResult.accepted(new User(request.userName(), Set.of(), name)));
            }
        };
    }

    @Test
    void aForwardingPolicyHandsTheRewrittenRequestToTheProxyAndItsAnswerIsTheDecision() {
        List<String> seen = new java.util.ArrayList<>();
        RequestPipeline pipeline = new RequestPipeline(named("local", seen), routing(new ConnectionDecision(
                ConnectionDecision.Action.FORWARD, "Partners", "alice-stripped", null, "partner-radius",
                ReasonCode.ACCEPTED, List.of("crp 'Partners' matched"))), null, Duration.ofSeconds(5));
        List<String> forwarded = new java.util.ArrayList<>();
        pipeline.forwarder((group, request) -> {
            forwarded.add(group + ":" + request.userName());
            return CompletableFuture.completedFuture(new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED,
                    "accepted by remote server 'fr1'", null, List.of(new ReplyAttribute("Session-Timeout", "60")),
                    List.of("remote server 'fr1': Access-Accept in 3 ms")));
        });
        Decision decision = decide(pipeline);
        assertEquals(List.of("partner-radius:alice-stripped"), forwarded);
        assertTrue(seen.isEmpty(), "nothing was authenticated here");
        assertEquals(Decision.Outcome.ACCEPT, decision.outcome());
        assertEquals("Partners", decision.policyName());
        assertTrue(decision.replyAttributes().contains(new ReplyAttribute("Session-Timeout", "60")));
        assertEquals(List.of("crp 'Partners' matched", "forwarded to remote RADIUS server group 'partner-radius'",
                "remote server 'fr1': Access-Accept in 3 ms"), decision.trace());

        pipeline.forwarder((group, request) -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
        assertEquals(ReasonCode.INTERNAL_ERROR, decide(pipeline).reason(), "a failing proxy is a reject, not a hang");
    }

    @Test
    void eapIsForwardedOnlyWhenAConnectionRequestPolicyForwardsIt() {
        RequestPipeline forwarding = new RequestPipeline(null, routing(new ConnectionDecision(
                ConnectionDecision.Action.FORWARD, "Partners", "alice", null, "partner-radius", ReasonCode.ACCEPTED,
                List.of())), null, Duration.ofSeconds(5));
        forwarding.forwarder((group, request) -> CompletableFuture.completedFuture(new Decision(
                Decision.Outcome.CHALLENGE, ReasonCode.REMOTE_CHALLENGE, "EAP goes on", null, List.of(),
                List.of("remote server 'fr1': Access-Challenge"))));
        AuthenticationRequest eap = new AuthenticationRequest("rq-eap", REQUEST.client(), REQUEST.source(), "alice",
                new org.radmfa.api.EapCredentials(new byte[] {2, 1, 0, 10, 1, 'a', 'l', 'i', 'c', 'e'}, null),
                List.of(), Instant.now());
        Decision decision = forwarding.forwardEap(eap).orElseThrow().toCompletableFuture().join();
        assertEquals(ReasonCode.REMOTE_CHALLENGE, decision.reason());

        RequestPipeline local = new RequestPipeline(null, routing(new ConnectionDecision(
                ConnectionDecision.Action.AUTHENTICATE, "Corp", "alice", null, null, ReasonCode.ACCEPTED, List.of())),
                null, Duration.ofSeconds(5));
        assertTrue(local.forwardEap(eap).isEmpty(), "decided here: the transport's EAP engine runs it");

        forwarding.forwarder((group, request) -> CompletableFuture.completedFuture(Decision.reject(
                ReasonCode.REMOTE_UNAVAILABLE, "no server answered", List.of())));
        Decision unanswered = forwarding.forwardEap(eap).orElseThrow().toCompletableFuture().join();
        assertEquals(List.of(new ReplyAttribute("EAP-Message", "0x04010004")), unanswered.replyAttributes(),
                "an EAP-Failure with the peer's EAP identifier");
    }

    @Test
    void theAnswerToAChallengeIsRewrittenAsTheFirstRoundWas() {
        PolicyEngine stripsTheRealm = new PolicyEngine() {
            @Override
            public ConnectionDecision route(AuthenticationRequest request) {
                return new ConnectionDecision(ConnectionDecision.Action.AUTHENTICATE, "Corp",
                        request.userName().replace("CORP\\", ""), null, null, ReasonCode.ACCEPTED, List.of());
            }

            @Override
            public PolicyDecision evaluate(AuthenticationRequest request, User user) {
                return new PolicyDecision(true, "P", ReasonCode.ACCEPTED, true, SETTINGS, List.of());
            }
        };
        List<String> seen = new java.util.ArrayList<>();
        Fakes.Connector otp = new Fakes.Connector("otp").answering(new MfaOutcome(MfaOutcome.Kind.CHALLENGE,
                "code asked for", "Code?", new byte[] {1, 2, 3, 4}));
        RequestPipeline pipeline = new RequestPipeline(named("local", seen), stripsTheRealm, otp,
                Duration.ofSeconds(30));
        Decision challenge = pipeline.handle(Fakes.pap("CORP\\alice", "pw")).toCompletableFuture().join();
        assertEquals(Decision.Outcome.CHALLENGE, challenge.outcome(), challenge.detail());
        assertEquals(List.of("local:alice"), seen);

        otp.answering(MfaOutcome.of(MfaOutcome.Kind.APPROVED, "code ok"));
        Decision answered = pipeline.handle(Fakes.pap("CORP\\alice", "123456",
                new org.radmfa.api.RequestAttribute(0, 24, "State", "0x01020304"))).toCompletableFuture().join();
        assertEquals(Decision.Outcome.ACCEPT, answered.outcome(), answered.detail());
        assertEquals("alice", otp.asked.get(1).request().userName(), "the connector sees the name it challenged");
    }

    @Test
    void aFailureWhileAnsweringAChallengeIsARecordedReject() {
        Fakes.Connector otp = new Fakes.Connector("otp").answering(new MfaOutcome(MfaOutcome.Kind.CHALLENGE,
                "code asked for", "Code?", new byte[] {5, 6, 7, 8}));
        RequestPipeline pipeline = new RequestPipeline(ALICE_OK, grant(true), otp, Duration.ofSeconds(30));
        List<org.radmfa.api.DecisionRecord> heard = new java.util.ArrayList<>();
        pipeline.bindListeners(List.of(heard::add));
        assertEquals(Decision.Outcome.CHALLENGE, pipeline.handle(Fakes.pap("alice", "pw")).toCompletableFuture()
                .join().outcome());

        otp.next = CompletableFuture.completedFuture(null); // a connector that breaks its contract
        Decision answered = pipeline.handle(Fakes.pap("alice", "123456",
                new org.radmfa.api.RequestAttribute(0, 24, "State", "0x05060708"))).toCompletableFuture().join();
        assertEquals(ReasonCode.INTERNAL_ERROR, answered.reason(), answered.detail());
        assertEquals(2, heard.size(), "the listeners (audit, accounting, metrics) hear of it");
        assertEquals(ReasonCode.INTERNAL_ERROR, pipeline.recent(1).get(0).decision().reason());
    }

    /** PEAP: the pipeline's accept of the inner login reaches the listeners only as the conversation's outcome. */
    @Test
    void aHeldDecisionIsRecordedOnceAsTheOutcomeItsCallerGives() {
        RequestPipeline pipeline = new RequestPipeline(ALICE_OK, grant(false), null, Duration.ofSeconds(5));
        List<org.radmfa.api.DecisionRecord> heard = new java.util.ArrayList<>();
        pipeline.bindListeners(List.of(heard::add));
        HeldDecision held = pipeline.hold(REQUEST).toCompletableFuture().join();
        assertEquals(Decision.Outcome.ACCEPT, held.decision().outcome());
        String classValue = held.decision().replyAttributes().stream().filter(a -> a.name().equals("Class"))
                .findFirst().orElseThrow().value();
        assertTrue(heard.isEmpty(), "held back: " + heard);
        assertTrue(pipeline.recent(10).isEmpty(), "radmfa:decisions too");

        List<String> trace = new java.util.ArrayList<>(held.decision().trace());
        trace.add("peap: the peer's crypto binding does not verify");
        Decision refused = new Decision(Decision.Outcome.REJECT, ReasonCode.AUTHENTICATION_FAILED,
                "PEAP: the peer's crypto binding does not verify", held.decision().policyName(), List.of(), trace);
        held.record(refused);
        held.record(held.decision()); // a second call is ignored
        assertEquals(1, heard.size(), "recorded once: " + heard);
        assertEquals(refused, heard.get(0).decision());
        assertEquals("t-1", heard.get(0).id());
        assertEquals("radmfa:" + heard.get(0).correlationId(), classValue, "the correlation id of the Class sent");
        assertEquals(heard, pipeline.recent(10));
    }

    @Test
    void aHandlerThatCannotHoldRecordsAtOnce() {
        List<Decision> handled = new java.util.ArrayList<>();
        org.radmfa.api.AccessRequestHandler old = request -> {
            Decision decision = Decision.reject(ReasonCode.UNKNOWN_USER, "no such user", List.of());
            handled.add(decision);
            return CompletableFuture.completedFuture(decision);
        };
        HeldDecision held = old.hold(REQUEST).toCompletableFuture().join();
        assertEquals(handled, List.of(held.decision()));
        held.record(held.decision()); // nothing more to record
    }

    @Test
    void connectionRequestPoliciesRejectForwardRewriteAndPickTheDirectory() {
        List<String> seen = new java.util.ArrayList<>();
        RequestPipeline pipeline = new RequestPipeline(named("local", seen), routing(new ConnectionDecision(
                ConnectionDecision.Action.REJECT, null, "alice", null, null,
                ReasonCode.NO_MATCHING_CONNECTION_REQUEST_POLICY, List.of())), null, Duration.ofSeconds(5));
        assertEquals(ReasonCode.NO_MATCHING_CONNECTION_REQUEST_POLICY, decide(pipeline).reason());
        pipeline = new RequestPipeline(named("local", seen), routing(new ConnectionDecision(
                ConnectionDecision.Action.FORWARD, "Partners", "alice", null, "partner-radius", ReasonCode.ACCEPTED,
                List.of())), null, Duration.ofSeconds(5));
        assertEquals(ReasonCode.FORWARDING_UNAVAILABLE, decide(pipeline).reason());
        assertTrue(seen.isEmpty(), "nothing was authenticated");

        pipeline = new RequestPipeline(null, routing(new ConnectionDecision(ConnectionDecision.Action.AUTHENTICATE,
                "Corp", "alice-rewritten", "corp", null, ReasonCode.ACCEPTED, List.of())), null, Duration.ofSeconds(5));
        pipeline.bindDirectories(List.of(named("local", seen), named("corp", seen)));
        assertEquals(Decision.Outcome.ACCEPT, decide(pipeline).outcome());
        assertEquals(List.of("corp:alice-rewritten"), seen);
        pipeline = new RequestPipeline(null, routing(new ConnectionDecision(ConnectionDecision.Action.AUTHENTICATE,
                "Other", "alice", "missing", null, ReasonCode.ACCEPTED, List.of())), null, Duration.ofSeconds(5));
        pipeline.bindDirectories(List.of(named("local", seen), named("corp", seen)));
        assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, decide(pipeline).reason());
    }

    @Test
    void recentDecisionsAreKeptNewestFirstWithinTheConfiguredSize() {
        RequestPipeline pipeline = new RequestPipeline(ALICE_OK, grant(false), null, Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            decide(pipeline);
        }
        assertEquals(3, pipeline.recent(10).size());
        assertEquals(Decision.Outcome.ACCEPT, pipeline.recent(1).get(0).decision().outcome());
        assertEquals("alice", pipeline.recent(1).get(0).userName());
    }

    @Test
    void acceptsCarryTheCorrelationIdInClassAndListenersHearEveryDecision() {
        RequestPipeline pipeline = new RequestPipeline(ALICE_OK, grant(false), null, Duration.ofSeconds(5));
        List<org.radmfa.api.DecisionRecord> heard = new java.util.ArrayList<>();
        pipeline.bindListeners(List.of(heard::add, record -> {
            throw new IllegalStateException("a broken listener changes nothing");
        }));
        Decision accept = decide(pipeline);
        assertEquals(Decision.Outcome.ACCEPT, accept.outcome());
        assertEquals(1, heard.size());
        assertEquals(List.of(new ReplyAttribute("Class", "radmfa:" + heard.get(0).correlationId())),
                accept.replyAttributes().stream().filter(a -> a.name().equals("Class")).toList());
        Decision reject = decide(new RequestPipeline(directory(PrimaryAuthResult.rejected(
                ReasonCode.AUTHENTICATION_FAILED, "wrong")), grant(false), null, Duration.ofSeconds(5)));
        assertTrue(reject.replyAttributes().isEmpty(), "no Class on a reject");
    }

    /** The audit learns where a request came from: the NAS and station attributes, and nothing else. */
    @Test
    void decisionRecordsCarryTheRequestsOriginAttributesOnly() {
        RequestPipeline pipeline = new RequestPipeline(ALICE_OK, grant(false), null, Duration.ofSeconds(5));
        List<org.radmfa.api.DecisionRecord> heard = new java.util.ArrayList<>();
        pipeline.bindListeners(List.of(heard::add));
        org.radmfa.api.RequestAttribute nas = new org.radmfa.api.RequestAttribute(0, 4, "NAS-IP-Address",
                "10.1.255.4");
        org.radmfa.api.RequestAttribute station = new org.radmfa.api.RequestAttribute(0, 31, "Calling-Station-Id",
                "203.0.113.50");
        AuthenticationRequest request = new AuthenticationRequest("t-2", REQUEST.client(), REQUEST.source(), "alice",
                new PapCredentials("pw"), List.of(new org.radmfa.api.RequestAttribute(0, 1, "User-Name", "alice"), nas,
                        new org.radmfa.api.RequestAttribute(0, 24, "State", "0x01"), station,
                        new org.radmfa.api.RequestAttribute(311, 9, "MS-RAS-Vendor", "311")), Instant.now());
        pipeline.handle(request).toCompletableFuture().join();
        assertEquals(List.of(nas, station), heard.get(0).origin());
    }

    private static LoggingHealth health(String name, AtomicBoolean failing, boolean discards) {
        return new LoggingHealth() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> failure() {
                return failing.get() ? Optional.of("disk full") : Optional.empty();
            }

            @Override
            public boolean discardsRequests() {
                return discards && failing.get();
            }

            @Override
            public long refusedRecords() {
                return 0;
            }
        };
    }

    @Test
    void aFailingLogWhosePolicyIsDiscardRequestsTurnsRequestsAwayUntilItWorks() {
        RequestPipeline pipeline = new RequestPipeline(ALICE_OK, grant(false), null, Duration.ofSeconds(5));
        AtomicBoolean dtsFailing = new AtomicBoolean(false);
        AtomicBoolean jsonFailing = new AtomicBoolean(true);
        pipeline.bindLoggingHealth(List.of(health("file:json", jsonFailing, false),
                health("file:dts", dtsFailing, true)));
        assertEquals(Decision.Outcome.ACCEPT, decide(pipeline).outcome(),
                "a failing log whose policy is withhold-response does not stop logins");
        dtsFailing.set(true);
        Decision refused = decide(pipeline);
        assertEquals(ReasonCode.LOGGING_FAILED, refused.reason());
        assertTrue(refused.detail().contains("'file:dts' cannot write (disk full)"), refused.detail());
        dtsFailing.set(false);
        assertEquals(Decision.Outcome.ACCEPT, decide(pipeline).outcome());
    }

    @Test
    void correlationIdsAreVersion4UuidsAndDoNotRepeat() {
        Set<java.util.UUID> seen = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            java.util.UUID id = DecisionRecorder.correlationId();
            assertEquals(4, id.version());
            assertEquals(2, id.variant());
            assertTrue(seen.add(id), "repeated: " + id);
        }
    }
}
