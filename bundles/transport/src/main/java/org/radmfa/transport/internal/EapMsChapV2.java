package org.radmfa.transport.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.radmfa.api.AccessRequestHandler;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.EapCredentials;
import org.radmfa.api.HeldDecision;
import org.radmfa.api.MsChapV2Credentials;
import org.radmfa.api.MsChapV2PasswordChange;
import org.radmfa.api.PolicyEngine;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.eap.EapMethod;
import org.radmfa.api.eap.EapRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EAP-MSCHAPv2 carried in RADIUS (RFC 3579; the method as in draft-kamath-pppext-eap-mschapv2), what the IKEv2
 * clients of a VPN gateway speak. Three round trips, tied together by the State attribute (after an EAP-Start, if
 * the NAS sends one, answered with an EAP-Request/Identity):
 * <ol>
 * <li>EAP-Response/Identity → Access-Challenge with an MS-CHAPv2 Challenge;</li>
 * <li>MS-CHAPv2 Response → the request pipeline decides (directory, policy, MFA) → Access-Challenge with the
 * MS-CHAPv2 Success (the authenticator response), or Access-Reject with EAP-Failure;</li>
 * <li>the peer's Success acknowledgement → Access-Accept with EAP-Success, the policy's settings and the MPPE keys.</li>
 * </ol>
 * When the directory answers an expired password with an offer to change it (MS-CHAP-Error "E=648 R=1"), round 2
 * ends with an MS-CHAPv2 Failure Request instead (a fresh challenge in its C=), the conversation kept; the peer's
 * Change-Password packet (OpCode 7) then goes through the pipeline as {@link MsChapV2PasswordChange} and continues
 * as round 2 did, with the new password.
 * The conversation lives here, not in the pipeline: the pipeline sees one request with MS-CHAPv2 credentials.
 * <p>
 * The login ends only with round 3: a peer that refuses the authenticator response (the server's proof that it knows
 * the password) or falls silent gets no Access-Accept. So the pipeline holds its decision
 * ({@link AccessRequestHandler#hold}) and it is recorded (audit, radmfa:decisions, metrics) once, as the NAS got it,
 * when the conversation ends: by the peer's next packet, by a timer when the peer falls silent, or by the sweep.
 * <p>
 * Which method is proposed on the identity is the network policies' choice ({@link AccessRequestHandler#eapMethods},
 * NPS's EAP types per policy, EAP-MSCHAPv2 first by default): the first of them this server speaks, itself or a
 * method another bundle offers as an {@link EapMethod} (EAP-TLS, PEAP), which then owns the conversation and its
 * State. A peer's Nak may ask for another of the allowed methods; one the policies do not allow is refused with
 * reason 66.
 */
final class EapMsChapV2 {
    private static final Logger LOG = LoggerFactory.getLogger(EapMsChapV2.class);
    private static final int EAP_REQUEST = 1;
    private static final int EAP_RESPONSE = 2;
    private static final int EAP_SUCCESS = 3;
    private static final int EAP_FAILURE = 4;
    private static final int TYPE_IDENTITY = 1;
    private static final int TYPE_NAK = 3;
    private static final int TYPE_TLS = 13;
    private static final int TYPE_PEAP = 25;
    private static final int TYPE_MSCHAPV2 = 26;
    private static final int OP_CHALLENGE = 1;
    private static final int OP_RESPONSE = 2;
    private static final int OP_SUCCESS = 3;
    private static final int OP_FAILURE = 4;
    private static final int OP_CHANGE_PASSWORD = 7;
    /** OpCode to Flags: 4 + 516 + 16 + 16 + 8 + 24 + 2 (draft-kamath-pppext-eap-mschapv2 section 2, RFC 2759 7). */
    private static final int CHANGE_PASSWORD_LENGTH = 586;
    private static final byte[] SERVER_NAME = "radmfa".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_SESSIONS = 100_000;
    private static final long LIFETIME_NANOS = 120_000_000_000L;
    private static final HexFormat HEX = HexFormat.of();
    /** Outside tests: the JDK's shared delayer, which runs the task on the common pool. */
    static final Timer DELAYER = (nanos, task) -> CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS)
            .execute(task);

    /** Runs a task once, after a delay. */
    @FunctionalInterface
    interface Timer {
        void after(long nanos, Runnable task);
    }

    private enum Stage {
        CHALLENGED,
        /** The Response is with the pipeline: a second one is not decided again. */
        DECIDING,
        CHANGE_OFFERED,
        /** The Change-Password is with the pipeline: one offer per conversation, never a second. */
        CHANGING,
        SUCCEEDED
    }

    private static class Session {
        final String identity;
        /** The EAP types the network policies allow, in their order: what a Nak may ask for. */
        final List<Integer> allowed;
        volatile long expiresAtNanos;

        Session(String identity, List<Integer> allowed, long expiresAtNanos) {
            this.identity = identity;
            this.allowed = allowed;
            this.expiresAtNanos = expiresAtNanos;
        }

        boolean expired(long now) {
            return expiresAtNanos - now < 0;
        }
    }

    /** An EAP-MSCHAPv2 conversation. */
    private static final class MsChapSession extends Session {
        final byte[] authenticatorChallenge;
        final int msChapId;
        volatile Stage stage = Stage.CHALLENGED;
        /** The challenge the Change-Password is made with: the C= of the Failure Request that offered it. */
        volatile byte[] changeChallenge;
        /** The MS-CHAPv2-ID the Success must echo: the challenge's, or the Change-Password's. */
        volatile int successId;
        volatile List<ReplyAttribute> acceptAttributes = List.of();
        volatile String policyName;
        /** The name of the peer's Response: the Change-Password carries none and is hashed with this one. */
        volatile String responseName;
        /**
         * The pipeline's accept, sent as the MS-CHAPv2 Success and recorded only as the conversation ends: taken out,
         * under this session's lock, by whoever ends it, so that it is recorded once.
         */
        HeldDecision held;
        /**
         * The answer to the Response or Change-Password with the pipeline now (or answered last), and its EAP
         * Identifier: the peer's retransmission of it, which the NAS sends in a new Access-Request, gets the same
         * answer instead of a second decision (a second push) or a refusal.
         */
        CompletableFuture<Decision> answer;
        int answerEapId = -1;

        MsChapSession(String identity, List<Integer> allowed, byte[] authenticatorChallenge, int msChapId,
                long expiresAtNanos) {
            super(identity, allowed, expiresAtNanos);
            this.authenticatorChallenge = authenticatorChallenge;
            this.msChapId = msChapId;
        }

        /** However long the pipeline takes (MFA), the conversation stays; the peer's time restarts at the decision. */
        @Override
        boolean expired(long now) {
            Stage current = stage;
            return current != Stage.DECIDING && current != Stage.CHANGING && super.expired(now);
        }
    }

    /**
     * Another method's conversation, proposed first on the identity: kept under that method's State until the peer
     * answers, because a Nak to it (RFC 3748 section 5.3.1) is ours to handle, not the method's.
     */
    private static final class Proposed extends Session {
        final EapMethod method;

        Proposed(String identity, List<Integer> allowed, EapMethod method, long expiresAtNanos) {
            super(identity, allowed, expiresAtNanos);
            this.method = method;
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** The conversations whose held accept waits for the peer's acknowledgement: what the timer watches. */
    private final Map<String, MsChapSession> awaiting = new ConcurrentHashMap<>();
    /** Whether the timer is set for {@link #awaiting}: one timer for all of them, never one per login. */
    private final AtomicBoolean watching = new AtomicBoolean();
    private final AtomicInteger sinceSweep = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final UnsupportedMethodLog unsupportedMethods;
    private final Supplier<List<EapMethod>> methods;
    private final LongSupplier clock;
    private final Timer timer;

    EapMsChapV2(UnsupportedMethodLog unsupportedMethods, Supplier<List<EapMethod>> methods) {
        this(unsupportedMethods, methods, System::nanoTime, DELAYER);
    }

    /**
     * @param clock {@link System#nanoTime()} outside tests: what the conversations' lifetimes are measured on
     * @param timer ends the conversations whose peer falls silent after the MS-CHAPv2 Success, so that the held
     *     decision is recorded even when no datagram comes again; {@link #DELAYER} outside tests
     */
    EapMsChapV2(UnsupportedMethodLog unsupportedMethods, Supplier<List<EapMethod>> methods, LongSupplier clock,
            Timer timer) {
        this.unsupportedMethods = unsupportedMethods;
        this.methods = methods;
        this.clock = clock;
        this.timer = timer;
    }

    /**
     * One step of the conversation. Completes with null when the EAP packet is malformed: the datagram is then
     * dropped. A full session table ends a new conversation with EAP-Failure.
     */
    CompletionStage<Decision> handle(RequestDecoder.EapContext eap, AccessRequestHandler pipeline) {
        byte[] packet = eap.eapMessage();
        if (packet.length == 0) {
            return CompletableFuture.completedFuture(identityRequest());
        }
        if (packet.length < 5 || (packet[0] & 0xFF) != EAP_RESPONSE
                || (((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF)) != packet.length) {
            return CompletableFuture.completedFuture(null);
        }
        int eapId = packet[1] & 0xFF;
        int type = packet[4] & 0xFF;
        if (eap.state() == null) {
            if (type != TYPE_IDENTITY) {
                return CompletableFuture.completedFuture(null);
            }
            sweep();
            if (sessions.size() >= MAX_SESSIONS) {
                return failure(eapId, ReasonCode.SERVICE_UNAVAILABLE, "too many EAP conversations in progress");
            }
            String identity = new String(packet, 5, packet.length - 5, StandardCharsets.UTF_8);
            identity = identity.isEmpty() ? eap.userName() : identity;
            return propose(eap, identity, allowedTypes(eap, pipeline), eapId);
        }
        String key = HEX.formatHex(eap.state());
        Session session = sessions.get(key);
        if (session instanceof Proposed proposed && type != TYPE_NAK) {
            // The peer took the method proposed: from now on the conversation is the method's alone.
            sessions.remove(key);
            return proposed.method.next(eapRequest(eap, eap.userName()), pipeline);
        }
        if (session == null) {
            for (EapMethod method : methods.get()) {
                if (method.owns(eap.state())) {
                    return method.next(eapRequest(eap, eap.userName()), pipeline);
                }
            }
        }
        if (session == null || session.expired(clock.getAsLong())) {
            if (session != null) {
                expire(key, session);
            }
            return failure(eapId, ReasonCode.MALFORMED_REQUEST, "unknown or expired EAP conversation");
        }
        if (!(session instanceof MsChapSession msChap)) {
            sessions.remove(key);
            return nak(eap, session, packet, eapId);
        }
        CompletableFuture<Decision> retransmitted = retransmission(msChap, packet, eapId, type);
        if (retransmitted != null) {
            return retransmitted;
        }
        if (msChap.stage == Stage.SUCCEEDED) {
            return CompletableFuture.completedFuture(acknowledgement(key, msChap, packet, eapId, type));
        }
        if (type == TYPE_NAK) {
            end(key, msChap, eapId, refusal(eapId, ReasonCode.AUTH_METHOD_NOT_ALLOWED, "the peer sent an EAP Nak"));
            return nak(eap, session, packet, eapId);
        }
        if (type != TYPE_MSCHAPV2) {
            // RFC 3748 section 5.3.1: the peer answers in the method asked for or with a Nak; anything else is a
            // method this server does not speak, decided like a Nak.
            unsupportedMethods.rejected(eap.client().name(), EapTypes.name(type), session.identity,
                    eap.source().toString());
            return CompletableFuture.completedFuture(end(key, msChap, eapId, refusal(eapId,
                    ReasonCode.AUTH_METHOD_NOT_ALLOWED, "the peer answered in " + EapTypes.name(type)
                            + ", which this server does not offer")));
        }
        if (packet.length < 6) {
            return CompletableFuture.completedFuture(null);
        }
        int opCode = packet[5] & 0xFF;
        Stage stage;
        CompletableFuture<Decision> answer = null;
        synchronized (msChap) {
            // One Response, one Change-Password per conversation goes to the pipeline, never a second at once.
            stage = msChap.stage;
            if ((stage == Stage.CHALLENGED && opCode == OP_RESPONSE)
                    || (stage == Stage.CHANGE_OFFERED && opCode == OP_CHANGE_PASSWORD)) {
                msChap.stage = stage == Stage.CHALLENGED ? Stage.DECIDING : Stage.CHANGING;
                answer = new CompletableFuture<>();
                msChap.answer = answer;
                msChap.answerEapId = eapId;
            }
        }
        if (stage == Stage.CHALLENGED && opCode == OP_RESPONSE) {
            return answered(answer, response(eap, msChap, key, packet, eapId, pipeline));
        }
        if (stage == Stage.CHANGE_OFFERED && opCode == OP_CHANGE_PASSWORD) {
            return answered(answer, changePassword(eap, msChap, key, packet, eapId, pipeline));
        }
        if (stage == Stage.CHANGE_OFFERED && opCode == OP_FAILURE) {
            // The peer acknowledged the failure instead of changing the password (its user declined).
            return CompletableFuture.completedFuture(end(key, msChap, eapId, refusal(eapId,
                    ReasonCode.PASSWORD_MUST_CHANGE, "the peer did not change its expired password")));
        }
        return CompletableFuture.completedFuture(end(key, msChap, eapId, refusal(eapId, ReasonCode.MALFORMED_REQUEST,
                "unexpected EAP-MSCHAPv2 op-code " + opCode)));
    }

    /**
     * The same answer, for the peer's retransmission of the Response or Change-Password being decided or answered
     * last (same EAP Identifier and op-code; RFC 3748 section 4.1: a peer answers a retransmitted Request with the
     * same Response); null for any other packet.
     */
    private static CompletableFuture<Decision> retransmission(MsChapSession session, byte[] packet, int eapId,
            int type) {
        if (type != TYPE_MSCHAPV2 || packet.length < 6) {
            return null;
        }
        int opCode = packet[5] & 0xFF;
        if (opCode != OP_RESPONSE && opCode != OP_CHANGE_PASSWORD) {
            return null;
        }
        synchronized (session) {
            Stage stage = session.stage;
            boolean answering = opCode == OP_RESPONSE ? stage == Stage.DECIDING || stage == Stage.SUCCEEDED
                    || stage == Stage.CHANGE_OFFERED : stage == Stage.CHANGING || stage == Stage.SUCCEEDED;
            return answering && eapId == session.answerEapId ? session.answer : null;
        }
    }

    /** The method's answer, given to whoever waits for it: the request that asked, and its retransmissions. */
    private static CompletionStage<Decision> answered(CompletableFuture<Decision> answer,
            CompletionStage<Decision> decided) {
        decided.whenComplete((decision, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure);
            } else {
                answer.complete(decision);
            }
        });
        return answer;
    }

    /**
     * Round 3: the peer's answer to the MS-CHAPv2 Success ends the login. Only its acknowledgement (it has verified
     * the authenticator response, the server's proof that it knows the password) gets the Access-Accept; the held
     * decision is recorded as what the NAS gets.
     *
     * @return null for a malformed EAP-MSCHAPv2 packet, dropped with the conversation kept
     */
    private Decision acknowledgement(String key, MsChapSession session, byte[] packet, int eapId, int type) {
        if (type == TYPE_MSCHAPV2 && packet.length < 6) {
            return null;
        }
        int opCode = type == TYPE_MSCHAPV2 ? packet[5] & 0xFF : -1;
        if (opCode == OP_SUCCESS) {
            List<ReplyAttribute> attributes = new ArrayList<>(session.acceptAttributes);
            attributes.addAll(eapMessage(new byte[] {EAP_SUCCESS, (byte) eapId, 0, 4}));
            return end(key, session, eapId, new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED,
                    "EAP-MSCHAPv2 completed", session.policyName, attributes,
                    List.of("eap-mschapv2: the peer acknowledged the MS-CHAPv2 Success (it verified the"
                            + " authenticator response)")));
        }
        String answer = switch (opCode) {
            case OP_FAILURE -> "an MS-CHAPv2 Failure): it refused the server's authenticator response";
            case -1 -> (type == TYPE_NAK ? "an EAP Nak" : EapTypes.name(type)) + ")";
            default -> "EAP-MSCHAPv2 op-code " + opCode + ")";
        };
        return end(key, session, eapId, refusal(eapId, ReasonCode.MALFORMED_REQUEST,
                "the peer did not acknowledge the MS-CHAPv2 Success (it answered with " + answer));
    }

    /**
     * Ends the conversation with this answer to the NAS; the decision it holds, if any, is recorded as that answer.
     *
     * @return the answer, with the held decision's policy name, detail and trace where there is one; a refusal if the
     *     conversation was ended meanwhile (its time ran out: what it held is recorded as such)
     */
    private Decision end(String key, MsChapSession session, int eapId, Decision answer) {
        HeldDecision decided;
        synchronized (session) {
            if (!sessions.remove(key, session)) {
                return answer.outcome() == Decision.Outcome.ACCEPT ? refusal(eapId, ReasonCode.MALFORMED_REQUEST,
                        "unknown or expired EAP conversation") : answer;
            }
            awaiting.remove(key, session);
            decided = session.held;
            session.held = null;
        }
        if (decided == null) {
            return answer;
        }
        return decided.end(answer);
    }

    /**
     * The conversation's time ran out (the timer, the sweep, or a packet that came too late): no Access-Accept was
     * sent, so the accept it holds is recorded as a refusal.
     */
    private void expire(String key, Session session) {
        if (!(session instanceof MsChapSession msChap)) {
            sessions.remove(key, session);
            return;
        }
        HeldDecision decided;
        synchronized (msChap) {
            if (!sessions.remove(key, msChap)) {
                return; // ended by a packet meanwhile, and recorded then
            }
            awaiting.remove(key, msChap);
            decided = msChap.held;
            msChap.held = null;
        }
        if (decided != null) {
            String detail = "the peer did not acknowledge the MS-CHAPv2 Success within "
                    + TimeUnit.NANOSECONDS.toSeconds(LIFETIME_NANOS) + " s: it may have refused the server's"
                    + " authenticator response, or gone away";
            decided.end(new Decision(Decision.Outcome.REJECT, ReasonCode.MALFORMED_REQUEST, detail, null, List.of(),
                    List.of("eap-mschapv2: " + detail)));
        }
    }

    /** Sets the timer for the conversations waiting for the peer's acknowledgement, unless it is set. */
    private void watch() {
        if (watching.compareAndSet(false, true)) {
            timer.after(LIFETIME_NANOS + 1, this::expireSilent);
        }
    }

    /**
     * The timer: ends the conversations whose peer has left the MS-CHAPv2 Success unanswered for its lifetime, then
     * sets itself for the next to run out. One timer for all of them, and it stops when none waits: a conversation
     * that ends at the peer's acknowledgement, the usual case, leaves nothing behind.
     */
    private void expireSilent() {
        long wait = LIFETIME_NANOS + 1;
        try {
            long now = clock.getAsLong();
            for (Map.Entry<String, MsChapSession> entry : awaiting.entrySet()) {
                MsChapSession session = entry.getValue();
                if (session.expired(now)) {
                    expire(entry.getKey(), session);
                } else {
                    wait = Math.min(wait, session.expiresAtNanos - now + 1);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("EAP-MSCHAPv2 conversations waiting for the peer's acknowledgement: {}", e.toString());
        }
        if (awaiting.isEmpty()) {
            watching.set(false);
            // A conversation added meanwhile may have found the timer still set: it is set again for it.
            if (awaiting.isEmpty() || !watching.compareAndSet(false, true)) {
                return;
            }
            wait = LIFETIME_NANOS + 1;
        }
        timer.after(wait, this::expireSilent);
    }

    /**
     * The answer to an EAP-Start (an empty EAP-Message, RFC 3579 section 2.1), as FreeRADIUS gives it: an
     * EAP-Request/Identity with a fresh identifier. No session is kept for it: the peer's EAP-Response/Identity comes
     * without a State and starts the conversation, as when the NAS asked for the identity itself.
     */
    private Decision identityRequest() {
        byte[] request = {EAP_REQUEST, (byte) random.nextInt(256), 0, 5, TYPE_IDENTITY};
        return new Decision(Decision.Outcome.CHALLENGE, ReasonCode.EAP_IN_PROGRESS,
                "EAP-Start answered with an EAP-Request/Identity", null, eapMessage(request), List.of());
    }

    /** The EAP types the network policies allow for this identity, in the order to propose them. */
    private static List<Integer> allowedTypes(RequestDecoder.EapContext eap, AccessRequestHandler pipeline) {
        List<AuthMethod> allowed = pipeline == null ? PolicyEngine.DEFAULT_EAP_METHODS
                : pipeline.eapMethods(new AuthenticationRequest(eap.id(), eap.client(), eap.source(), eap.userName(),
                        new EapCredentials(eap.eapMessage(), null), eap.attributes(), Instant.now()));
        List<Integer> types = new ArrayList<>();
        for (AuthMethod method : allowed) {
            switch (method) {
                case EAP_MSCHAPV2 -> types.add(TYPE_MSCHAPV2);
                case EAP_TLS -> types.add(TYPE_TLS);
                case PEAP -> types.add(TYPE_PEAP);
                default -> {
                    // not an EAP method
                }
            }
        }
        return List.copyOf(types);
    }

    /** Round 1: the first allowed method this server speaks starts; none allowed or spoken is a reject (66). */
    private CompletionStage<Decision> propose(RequestDecoder.EapContext eap, String identity, List<Integer> allowed,
            int eapId) {
        for (int type : allowed) {
            if (type == TYPE_MSCHAPV2) {
                return CompletableFuture.completedFuture(challenge(eap, identity, allowed, eapId));
            }
            EapMethod method = method(type);
            if (method != null) {
                return start(method, eapRequest(eap, identity), allowed);
            }
        }
        if (allowed.isEmpty()) {
            unsupportedMethods.notAllowedByPolicy(eap.client().name(), "EAP", identity, eap.source().toString(),
                    "no EAP method");
            return failure(eapId, ReasonCode.AUTH_METHOD_NOT_ALLOWED, "no network policy that may decide '"
                    + identity + "' allows an EAP method");
        }
        unsupportedMethods.rejected(eap.client().name(), names(allowed), identity, eap.source().toString());
        return failure(eapId, ReasonCode.AUTH_METHOD_NOT_ALLOWED, "the EAP methods the network policy allows ("
                + names(allowed) + ") are not offered here");
    }

    /** Starts another method's conversation, kept as proposed until the peer answers in it or Naks it. */
    private CompletionStage<Decision> start(EapMethod method, EapRequest request, List<Integer> allowed) {
        return method.start(request).thenApply(decision -> {
            byte[] state = stateOf(decision);
            if (decision.outcome() == Decision.Outcome.CHALLENGE && state != null) {
                sessions.put(HEX.formatHex(state), new Proposed(request.identity(), allowed, method,
                        clock.getAsLong() + LIFETIME_NANOS));
            }
            return decision;
        });
    }

    /**
     * The peer refused the method proposed and named the ones it wants (RFC 3748 section 5.3.1): the first of them
     * the policies allow and this server speaks starts; otherwise a reject, reason 66.
     */
    private CompletionStage<Decision> nak(RequestDecoder.EapContext eap, Session session, byte[] packet, int eapId) {
        int refused = session instanceof Proposed proposed ? proposed.method.type() : TYPE_MSCHAPV2;
        for (int i = 5; i < packet.length; i++) {
            int wanted = packet[i] & 0xFF;
            if (wanted == refused || !session.allowed.contains(wanted)) {
                continue;
            }
            if (wanted == TYPE_MSCHAPV2) {
                return CompletableFuture.completedFuture(challenge(eap, session.identity, session.allowed, eapId));
            }
            EapMethod method = method(wanted);
            if (method != null) {
                return start(method, eapRequest(eap, session.identity), session.allowed);
            }
        }
        boolean policyAllows = false;
        for (int i = 5; i < packet.length; i++) {
            policyAllows |= session.allowed.contains(packet[i] & 0xFF);
        }
        if (policyAllows) {
            unsupportedMethods.rejected(eap.client().name(), desired(packet) + " (the peer's EAP Nak)",
                    session.identity, eap.source().toString());
        } else {
            unsupportedMethods.notAllowedByPolicy(eap.client().name(), desired(packet) + " (the peer's EAP Nak)",
                    session.identity, eap.source().toString(), names(session.allowed));
        }
        return failure(eapId, ReasonCode.AUTH_METHOD_NOT_ALLOWED, "the peer refused " + EapTypes.name(refused)
                + " and asked for " + desired(packet) + "; the network policy allows " + names(session.allowed)
                + ", of which this server offers " + names(offeredOf(session.allowed)));
    }

    private EapMethod method(int type) {
        for (EapMethod method : methods.get()) {
            if (method.type() == type) {
                return method;
            }
        }
        return null;
    }

    private List<Integer> offeredOf(List<Integer> allowed) {
        return allowed.stream().filter(type -> type == TYPE_MSCHAPV2 || method(type) != null).toList();
    }

    private static String names(List<Integer> types) {
        return types.isEmpty() ? "none" : String.join(", ", types.stream().map(EapTypes::name).toList());
    }

    private static byte[] stateOf(Decision decision) {
        for (ReplyAttribute attribute : decision.replyAttributes()) {
            if (attribute.name().equals("State") && attribute.value().startsWith("0x")) {
                return HEX.parseHex(attribute.value().substring(2));
            }
        }
        return null;
    }

    /** Answers the identity with an MS-CHAPv2 Challenge and opens a session under a fresh State. */
    private Decision challenge(RequestDecoder.EapContext eap, String identity, List<Integer> allowed, int eapId) {
        byte[] authenticatorChallenge = new byte[16];
        random.nextBytes(authenticatorChallenge);
        byte[] state = new byte[16];
        random.nextBytes(state);
        MsChapSession session = new MsChapSession(identity, allowed, authenticatorChallenge, random.nextInt(256),
                clock.getAsLong() + LIFETIME_NANOS);
        sessions.put(HEX.formatHex(state), session);
        // OpCode, MS-CHAPv2-ID, MS-Length, Value-Size, Challenge, Name
        byte[] body = new byte[4 + 1 + 16 + SERVER_NAME.length];
        body[0] = OP_CHALLENGE;
        body[1] = (byte) session.msChapId;
        body[2] = (byte) (body.length >> 8);
        body[3] = (byte) body.length;
        body[4] = 16;
        System.arraycopy(authenticatorChallenge, 0, body, 5, 16);
        System.arraycopy(SERVER_NAME, 0, body, 21, SERVER_NAME.length);
        return next(request((eapId + 1) & 0xFF, body), state, null, "EAP-MSCHAPv2 challenge sent");
    }

    /** Round 2: the peer's NT-Response goes through the pipeline like any other login. */
    private CompletionStage<Decision> response(RequestDecoder.EapContext eap, MsChapSession session, String key,
            byte[] packet, int eapId, AccessRequestHandler pipeline) {
        // OpCode(5) MS-CHAPv2-ID(6) MS-Length(7,8) Value-Size(9)=49 Peer-Challenge(10..25) Reserved(26..33)
        // NT-Response(34..57) Flags(58) Name(59..)
        if (packet.length < 59 || (packet[9] & 0xFF) != 49 || (packet[6] & 0xFF) != session.msChapId) {
            sessions.remove(key, session);
            return failure(eapId, ReasonCode.MALFORMED_REQUEST, "malformed EAP-MSCHAPv2 response");
        }
        String name = new String(packet, 59, packet.length - 59, StandardCharsets.UTF_8);
        session.responseName = name.isEmpty() ? session.identity : name;
        MsChapV2Credentials credentials = new MsChapV2Credentials(AuthMethod.EAP_MSCHAPV2, session.msChapId,
                session.authenticatorChallenge, Arrays.copyOfRange(packet, 10, 26),
                Arrays.copyOfRange(packet, 34, 58));
        if (pipeline == null) {
            sessions.remove(key, session);
            return failure(eapId, ReasonCode.SERVICE_UNAVAILABLE, "no request pipeline is installed");
        }
        session.successId = session.msChapId;
        AuthenticationRequest request = new AuthenticationRequest(eap.id(), eap.client(), eap.source(),
                name.isEmpty() ? session.identity : name, credentials, eap.attributes(), Instant.now());
        return decide(pipeline, request, session, key, eapId);
    }

    /**
     * The pipeline decides, its decision held back from the decision listeners: the login's outcome is known only
     * when the peer has answered the MS-CHAPv2 Success. However long it takes (MFA), the conversation stays.
     */
    private CompletionStage<Decision> decide(AccessRequestHandler pipeline, AuthenticationRequest request,
            MsChapSession session, String key, int eapId) {
        CompletionStage<HeldDecision> decided;
        try {
            decided = pipeline.hold(request);
        } catch (RuntimeException e) {
            sessions.remove(key, session);
            throw e;
        }
        return decided.whenComplete((pending, error) -> {
            if (error != null) {
                sessions.remove(key, session);
            }
        }).thenApply(pending -> {
            try {
                return afterDecision(session, key, eapId, pending);
            } catch (RuntimeException e) {
                // A decision the engine cannot answer (a malformed MS-CHAP2-Success) is still recorded, as refused.
                Decision failed = refusal(eapId, ReasonCode.INTERNAL_ERROR, "the pipeline's decision could not be"
                        + " answered in EAP-MSCHAPv2 (" + e.getClass().getName() + ")");
                Decision ended = end(key, session, eapId, failed);
                pending.end(failed); // ignored if end(...) recorded it
                return ended;
            }
        });
    }

    /**
     * Round 2 again, after a change was offered: OpCode(5) MS-CHAPv2-ID(6) MS-Length(7,8) Encrypted-Password(9..524)
     * Encrypted-Hash(525..540) Peer-Challenge(541..556) Reserved(557..564) NT-Response(565..588) Flags(589,590). The
     * NT-Response is made with the new password over the Failure Request's challenge; the user name is the one the
     * peer's first response gave.
     */
    private CompletionStage<Decision> changePassword(RequestDecoder.EapContext eap, MsChapSession session, String key,
            byte[] packet, int eapId, AccessRequestHandler pipeline) {
        if (packet.length != 5 + CHANGE_PASSWORD_LENGTH || session.changeChallenge == null) {
            sessions.remove(key, session);
            return failure(eapId, ReasonCode.MALFORMED_REQUEST, "malformed EAP-MSCHAPv2 Change-Password");
        }
        if (pipeline == null) {
            sessions.remove(key, session);
            return failure(eapId, ReasonCode.SERVICE_UNAVAILABLE, "no request pipeline is installed");
        }
        int changeId = packet[6] & 0xFF;
        MsChapV2Credentials response = new MsChapV2Credentials(AuthMethod.EAP_MSCHAPV2, changeId,
                session.changeChallenge, Arrays.copyOfRange(packet, 541, 557), Arrays.copyOfRange(packet, 565, 589));
        MsChapV2PasswordChange change = new MsChapV2PasswordChange(response, Arrays.copyOfRange(packet, 9, 525),
                Arrays.copyOfRange(packet, 525, 541));
        session.successId = changeId;
        AuthenticationRequest request = new AuthenticationRequest(eap.id(), eap.client(), eap.source(),
                session.responseName, change, eap.attributes(), Instant.now());
        return decide(pipeline, request, session, key, eapId);
    }

    /**
     * The pipeline's decision: a reject ends the conversation and is recorded now; an accept is sent as the MS-CHAPv2
     * Success and held until the peer answers it (or falls silent).
     */
    private Decision afterDecision(MsChapSession session, String key, int eapId, HeldDecision pending) {
        Decision decision = pending.decision();
        byte[] success = decision.outcome() == Decision.Outcome.ACCEPT ? msChap2Success(decision) : null;
        if (success == null && session.stage == Stage.DECIDING && changeOffered(decision)) {
            // The old password's login ends here, refused, and is recorded as such; the Change-Password, if the peer
            // sends one, is a login of its own.
            pending.record(decision);
            return offerChange(session, key, eapId, decision);
        }
        if (success == null) {
            sessions.remove(key, session);
            Decision refused = switch (decision.outcome()) {
                case REJECT -> withEapFailure(Decision.reject(decision.reason(), decision.detail(), List.of()), eapId);
                case ACCEPT -> refusal(eapId, ReasonCode.UNSUPPORTED_AUTH_METHOD, "the pipeline's accept carries no"
                        + " MS-CHAP2-Success: the peer cannot be sent the authenticator response");
                case CHALLENGE -> refusal(eapId, ReasonCode.UNSUPPORTED_AUTH_METHOD, "the pipeline's challenge ("
                        + decision.detail() + ") cannot be carried by EAP-MSCHAPv2");
            };
            return pending.end(refused);
        }
        List<ReplyAttribute> kept = new ArrayList<>(decision.replyAttributes());
        kept.removeIf(attribute -> attribute.name().equals("MS-CHAP2-Success"));
        synchronized (session) {
            if (sessions.get(key) == session) {
                session.acceptAttributes = kept;
                session.policyName = decision.policyName();
                session.held = pending;
                // The peer's time to answer starts now, however long the pipeline took.
                session.expiresAtNanos = clock.getAsLong() + LIFETIME_NANOS;
                session.stage = Stage.SUCCEEDED;
                awaiting.put(key, session);
            } else {
                kept = null;
            }
        }
        if (kept == null) {
            // Ended by the peer's next packet while the pipeline decided: no MS-CHAPv2 Success goes out.
            return pending.end(refusal(eapId, ReasonCode.MALFORMED_REQUEST,
                    "the conversation ended while the pipeline decided"));
        }
        watch();
        // MS-CHAP2-Success is the ident octet, then "S=<40 hex digits>".
        byte[] message = Arrays.copyOfRange(success, 1, success.length);
        byte[] body = new byte[4 + message.length];
        body[0] = OP_SUCCESS;
        body[1] = (byte) session.successId;
        body[2] = (byte) (body.length >> 8);
        body[3] = (byte) body.length;
        System.arraycopy(message, 0, body, 4, message.length);
        return next(request((eapId + 1) & 0xFF, body), HEX.parseHex(key), decision.policyName(),
                "MS-CHAPv2 verified, waiting for the peer's acknowledgement");
    }

    /** Whether the directory offered a password change: its MS-CHAP-Error (after the ident octet) is E=648 R=1. */
    private static boolean changeOffered(Decision decision) {
        String error = msChapError(decision);
        return error != null && error.startsWith("E=648 R=1 ");
    }

    private static String msChapError(Decision decision) {
        for (ReplyAttribute attribute : decision.replyAttributes()) {
            if (attribute.name().equals("MS-CHAP-Error") && attribute.value().startsWith("0x")
                    && attribute.value().length() > 4) {
                return new String(HEX.parseHex(attribute.value().substring(4)), StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    /**
     * The MS-CHAPv2 Failure Request that lets the peer change its password (draft-kamath-pppext-eap-mschapv2
     * section 2; RFC 2759 section 6): the directory's error text with a fresh challenge in its C=, which the peer's
     * Change-Password must be made with. The pipeline's reject is recorded (audit); the conversation goes on.
     */
    private Decision offerChange(MsChapSession session, String key, int eapId, Decision decision) {
        byte[] challenge = new byte[16];
        random.nextBytes(challenge);
        session.changeChallenge = challenge;
        session.expiresAtNanos = clock.getAsLong() + LIFETIME_NANOS;
        session.stage = Stage.CHANGE_OFFERED;
        String message = msChapError(decision).replaceFirst("C=[0-9A-Fa-f]{32}",
                "C=" + HEX.withUpperCase().formatHex(challenge));
        byte[] text = message.getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[4 + text.length];
        body[0] = OP_FAILURE;
        body[1] = (byte) session.msChapId;
        body[2] = (byte) (body.length >> 8);
        body[3] = (byte) body.length;
        System.arraycopy(text, 0, body, 4, text.length);
        return next(request((eapId + 1) & 0xFF, body), HEX.parseHex(key), decision.policyName(),
                decision.reason() + ": password change offered to the peer (" + decision.detail() + ")");
    }

    private static byte[] msChap2Success(Decision decision) {
        for (ReplyAttribute attribute : decision.replyAttributes()) {
            if (attribute.name().equals("MS-CHAP2-Success") && attribute.value().startsWith("0x")) {
                return HEX.parseHex(attribute.value().substring(2));
            }
        }
        return null;
    }

    /** The pipeline's reject, or a non-MS-CHAP accept, ends the conversation with EAP-Failure. */
    private static Decision withEapFailure(Decision decision, int eapId) {
        ReasonCode reason = decision.outcome() == Decision.Outcome.REJECT ? decision.reason()
                : ReasonCode.UNSUPPORTED_AUTH_METHOD;
        return new Decision(Decision.Outcome.REJECT, reason, decision.detail(), decision.policyName(),
                eapMessage(new byte[] {EAP_FAILURE, (byte) eapId, 0, 4}), decision.trace());
    }

    private static CompletionStage<Decision> failure(int eapId, ReasonCode reason, String detail) {
        return CompletableFuture.completedFuture(withEapFailure(
                new Decision(Decision.Outcome.REJECT, reason, detail, null, List.of(), List.of(detail)), eapId));
    }

    /** A refusal of this method's own, after the pipeline's decision: its trace line follows the pipeline's. */
    private static Decision refusal(int eapId, ReasonCode reason, String detail) {
        return withEapFailure(Decision.reject(reason, detail, List.of("eap-mschapv2: " + detail)), eapId);
    }

    private static EapRequest eapRequest(RequestDecoder.EapContext eap, String identity) {
        return new EapRequest(eap.id(), eap.client(), eap.source(), eap.userName(), identity, eap.eapMessage(),
                eap.state(), eap.attributes());
    }

    /** The methods a Nak asks for (RFC 3748 section 5.3.1), by name. */
    private static String desired(byte[] nak) {
        if (nak.length <= 5) {
            return "no method";
        }
        List<String> names = new ArrayList<>();
        for (int i = 5; i < nak.length; i++) {
            names.add(EapTypes.name(nak[i] & 0xFF));
        }
        return String.join(", ", names);
    }

    private static byte[] request(int eapId, byte[] body) {
        byte[] packet = new byte[5 + body.length];
        packet[0] = EAP_REQUEST;
        packet[1] = (byte) eapId;
        packet[2] = (byte) (packet.length >> 8);
        packet[3] = (byte) packet.length;
        packet[4] = TYPE_MSCHAPV2;
        System.arraycopy(body, 0, packet, 5, body.length);
        return packet;
    }

    private static Decision next(byte[] eapPacket, byte[] state, String policyName, String detail) {
        List<ReplyAttribute> attributes = new ArrayList<>(eapMessage(eapPacket));
        attributes.add(new ReplyAttribute("State", "0x" + HEX.formatHex(state)));
        return new Decision(Decision.Outcome.CHALLENGE, ReasonCode.EAP_IN_PROGRESS, detail, policyName, attributes,
                List.of());
    }

    /** An EAP packet as EAP-Message attributes of at most 253 octets each (RFC 3579 section 3.1). */
    static List<ReplyAttribute> eapMessage(byte[] packet) {
        List<ReplyAttribute> parts = new ArrayList<>();
        for (int offset = 0; offset < packet.length; offset += 253) {
            parts.add(new ReplyAttribute("EAP-Message",
                    "0x" + HEX.formatHex(packet, offset, Math.min(packet.length, offset + 253))));
        }
        return parts;
    }

    private void sweep() {
        // Periodic, never per packet: a full table must not turn every datagram into a scan.
        if (sinceSweep.incrementAndGet() < 1024) {
            return;
        }
        sinceSweep.set(0);
        long now = clock.getAsLong();
        for (Map.Entry<String, Session> entry : sessions.entrySet()) {
            if (entry.getValue().expired(now)) {
                expire(entry.getKey(), entry.getValue()); // a held accept is recorded as not acknowledged
            }
        }
    }

    int sessions() {
        return sessions.size();
    }
}
