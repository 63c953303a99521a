package org.radmfa.eap.tls.internal;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.radmfa.api.AccessRequestHandler;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.CertificateCredentials;
import org.radmfa.api.Decision;
import org.radmfa.api.HeldDecision;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.eap.EapMethod;
import org.radmfa.api.eap.EapRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EAP-TLS (RFC 5216, and RFC 9190 for TLS 1.3) in RADIUS: the conversations by State, their steps run on a bounded
 * pool of handshake threads, and once the peer is authenticated by its certificate the request pipeline decides
 * (directory lookup of the certificate's user, network policy, MFA) before the final Access-Accept with EAP-Success
 * and the MPPE keys.
 */
final class EapTlsMethod implements EapMethod {
    private static final Logger LOG = LoggerFactory.getLogger(EapTlsMethod.class);
    private static final int EAP_SUCCESS = 3;
    private static final int EAP_FAILURE = 4;
    private static final HexFormat HEX = HexFormat.of();
    /** Outside tests: the JDK's shared delayer, which runs the task on the common pool. */
    static final Timer DELAYER = (nanos, task) -> CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS)
            .execute(task);

    /** Runs a task once, after a delay. */
    @FunctionalInterface
    interface Timer {
        void after(long nanos, Runnable task);
    }

    private final EapTlsServer.Identity identity;
    private final EapTlsLimits limits;
    private final ExecutorService handshakes;
    private final Map<String, TlsConversation> conversations = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final LongSupplier clock;

    private final int type;
    /** PEAP: whether a peer may leave the crypto binding unanswered; null for EAP-TLS. */
    private final PeapCryptoBinding.Policy cryptoBinding;
    /** Per PEAP conversation, its phase 2; absent for EAP-TLS. */
    private final Map<TlsConversation, PeapInner> phase2 = new ConcurrentHashMap<>();
    /**
     * Per PEAP conversation whose inner login the pipeline accepted, that decision, recorded (audit, radmfa:decisions,
     * metrics) only as the conversation ends: the EAP-TLV Result and the crypto binding may still refuse the login.
     */
    private final Map<TlsConversation, HeldDecision> held = new ConcurrentHashMap<>();
    private final Timer timer;

    EapTlsMethod(EapTlsServer.Identity identity, EapTlsLimits limits, ExecutorService handshakes) {
        this(EapTlsPacket.TYPE_TLS, identity, limits, handshakes, null, System::nanoTime);
    }

    /** PEAPv0 (25), with an identity that asks for no client certificate. */
    EapTlsMethod(EapTlsServer.Identity identity, EapTlsLimits limits, ExecutorService handshakes,
            PeapCryptoBinding.Policy cryptoBinding) {
        this(EapTlsPacket.TYPE_PEAP, identity, limits, handshakes, cryptoBinding, System::nanoTime);
    }

    /**
     * @param type EAP-TLS (13) or PEAPv0 (25)
     * @param cryptoBinding PEAP's crypto binding policy; ignored for EAP-TLS
     * @param clock {@link System#nanoTime()} outside tests: what the conversations' timeouts are measured on
     */
    EapTlsMethod(int type, EapTlsServer.Identity identity, EapTlsLimits limits, ExecutorService handshakes,
            PeapCryptoBinding.Policy cryptoBinding, LongSupplier clock) {
        this(type, identity, limits, handshakes, cryptoBinding, clock, DELAYER);
    }

    /**
     * @param timer ends a PEAP conversation the peer leaves after the pipeline's accept, so that the held decision is
     *     recorded even when no datagram comes again; {@link #DELAYER} outside tests
     */
    EapTlsMethod(int type, EapTlsServer.Identity identity, EapTlsLimits limits, ExecutorService handshakes,
            PeapCryptoBinding.Policy cryptoBinding, LongSupplier clock, Timer timer) {
        if (type == EapTlsPacket.TYPE_PEAP && cryptoBinding == null) {
            throw new IllegalArgumentException("PEAP needs its crypto binding policy");
        }
        this.clock = clock;
        this.timer = timer;
        this.type = type;
        this.cryptoBinding = cryptoBinding;
        this.identity = identity;
        this.limits = limits;
        this.handshakes = handshakes;
    }

    @Override
    public int type() {
        return type;
    }

    private boolean peap() {
        return type == EapTlsPacket.TYPE_PEAP;
    }

    /** PEAP's crypto binding policy (configuration {@code peapCryptoBinding}); null for EAP-TLS. */
    PeapCryptoBinding.Policy cryptoBinding() {
        return cryptoBinding;
    }

    @Override
    public CompletionStage<Decision> start(EapRequest request) {
        sweep();
        int identifier = (request.eapIdentifier() + 1) & 0xFF;
        if (conversations.size() >= limits.maxSessions()) {
            return failure(request.eapIdentifier(), ReasonCode.SERVICE_UNAVAILABLE, "too many EAP-TLS conversations in"
                    + " progress (maxSessions = " + limits.maxSessions() + ")");
        }
        byte[] state = new byte[16];
        random.nextBytes(state);
        TlsConversation conversation = new TlsConversation(identity, limits, type(), request.identity(),
                clock.getAsLong() + limits.sessionTimeoutNanos(), peap(), clock);
        conversations.put(HEX.formatHex(state), conversation);
        return CompletableFuture.completedFuture(challenge(conversation.start(identifier), state,
                "EAP-TLS start sent"));
    }

    @Override
    public boolean owns(byte[] state) {
        return conversations.containsKey(HEX.formatHex(state));
    }

    @Override
    public CompletionStage<Decision> next(EapRequest request, AccessRequestHandler pipeline) {
        String key = HEX.formatHex(request.state());
        TlsConversation conversation = conversations.get(key);
        if (conversation == null || conversation.expired(clock.getAsLong())) {
            Decision unknown = rejection(request.eapIdentifier(), ReasonCode.MALFORMED_REQUEST, "unknown or expired "
                    + name() + " conversation");
            return CompletableFuture.completedFuture(conversation == null ? unknown
                    : end(key, conversation, unknown));
        }
        EapTlsPacket packet = EapTlsPacket.parseResponse(request.eapMessage(), type());
        if (packet == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<TlsConversation.Step> step = new CompletableFuture<>();
        try {
            handshakes.execute(() -> {
                // One conversation's steps never overlap: a NAS sends the next only after our answer.
                synchronized (conversation) {
                    if (conversations.get(key) != conversation) {
                        // Expired by the timer meanwhile, its held decision recorded as such.
                        step.complete(new TlsConversation.Failed("expired " + name() + " conversation", true));
                        return;
                    }
                    if (packet.identifier() != conversation.expectedIdentifier()) {
                        step.complete(null);
                        return;
                    }
                    try {
                        step.complete(conversation.receive(packet));
                    } catch (RuntimeException e) {
                        step.complete(new TlsConversation.Failed("internal error: " + e, false));
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(end(key, conversation, rejection(packet.identifier(),
                    ReasonCode.SERVICE_UNAVAILABLE, "too many " + name() + " handshakes waiting for a thread")));
        }
        return step.thenCompose(result -> {
            if (result == null) {
                return CompletableFuture.completedFuture(null);
            }
            if (result instanceof TlsConversation.Send send) {
                return CompletableFuture.completedFuture(challenge(send.eapPacket(), request.state(),
                        "EAP-TLS handshake in progress"));
            }
            if (result instanceof TlsConversation.Failed failed) {
                if (failed.malformed()) {
                    LOG.info("{} {} conversation of '{}' from client '{}' ended: {}", request.id(), name(),
                            conversation.identity(), request.client().name(), failed.detail());
                    return CompletableFuture.completedFuture(end(key, conversation, rejection(packet.identifier(),
                            ReasonCode.MALFORMED_REQUEST, failed.detail())));
                }
                LOG.info("{} {} refused '{}' from client '{}': {}", request.id(), name(), conversation.identity(),
                        request.client().name(), failed.detail());
                return CompletableFuture.completedFuture(end(key, conversation, rejection(packet.identifier(),
                        ReasonCode.AUTHENTICATION_FAILED, failed.detail())));
            }
            if (peap()) {
                return phase2(request, key, conversation, packet.identifier(), result, pipeline);
            }
            end(key, conversation);
            return decide(request, packet.identifier(), (TlsConversation.Authenticated) result, pipeline);
        });
    }

    private String name() {
        return peap() ? "PEAP" : "EAP-TLS";
    }

    private void end(String key, TlsConversation conversation) {
        conversations.remove(key);
        phase2.remove(conversation);
        conversation.releaseEngine();
    }

    /**
     * Ends the conversation with this answer to the NAS; a decision the pipeline holds for it is recorded as that
     * answer.
     *
     * @return the answer, with the held decision's policy name, detail and trace where there is one
     */
    private Decision end(String key, TlsConversation conversation, Decision answer) {
        end(key, conversation);
        HeldDecision decided = held.remove(conversation);
        if (decided == null) {
            return answer;
        }
        return decided.end(answer);
    }

    /**
     * A PEAP conversation whose held decision waits for the peer: when the peer's time runs out with no datagram, it
     * ends here, not at the next sweep, which may be long in coming.
     */
    private void watch(String key, TlsConversation conversation) {
        long wait = Math.max(0, conversation.expiresAtNanos() - clock.getAsLong()) + 1;
        timer.after(wait, () -> {
            if (conversations.get(key) != conversation || !held.containsKey(conversation)) {
                return;
            }
            if (conversation.expired(clock.getAsLong())) {
                expire(key, conversation);
            } else {
                watch(key, conversation); // the peer answered meanwhile: its next step has its own time
            }
        });
    }

    /** The peer did not answer in time: no Access-Accept was sent, so none is recorded. */
    private void expire(String key, TlsConversation conversation) {
        if (!held.containsKey(conversation)) {
            // Nothing to record: removed as the sweep always did, without waiting for a step in progress.
            if (conversations.remove(key, conversation)) {
                phase2.remove(conversation);
            }
            return;
        }
        // A step that began before the expiry finishes first; one that comes after finds the conversation gone.
        synchronized (conversation) {
            if (!conversations.remove(key, conversation)) {
                return;
            }
            phase2.remove(conversation);
            HeldDecision decided = held.remove(conversation);
            if (decided != null) {
                String detail = name() + ": the peer did not finish the conversation after the pipeline's decision"
                        + " (no answer within sessionTimeoutSeconds)";
                LOG.info("{} conversation of '{}' ended: {}", name(), conversation.identity(), detail);
                decided.end(new Decision(Decision.Outcome.REJECT, ReasonCode.MALFORMED_REQUEST, detail, null, List.of(),
                        List.of("peap: " + detail)));
            }
        }
    }

    /** PEAP phase 2: EAP-MSCHAPv2 in the tunnel; the pipeline decides on the MS-CHAPv2 response, MFA included. */
    private CompletionStage<Decision> phase2(EapRequest request, String key, TlsConversation conversation, int eapId,
            TlsConversation.Step result, AccessRequestHandler pipeline) {
        if (result instanceof TlsConversation.Authenticated tunnel) {
            if (tunnel.resumed()) {
                return fastReconnect(request, key, conversation, eapId, tunnel);
            }
            PeapInner inner = new PeapInner(random, tunnel.msk(), cryptoBinding);
            phase2.put(conversation, inner);
            return send(request, key, conversation, inner.identityRequest());
        }
        PeapInner inner = phase2.get(conversation);
        if (inner == null) {
            return CompletableFuture.completedFuture(end(key, conversation, rejection(eapId,
                    ReasonCode.MALFORMED_REQUEST, "PEAP: tunnel data before the handshake ended")));
        }
        PeapInner.Action action;
        synchronized (conversation) {
            action = inner.receive(((TlsConversation.Inner) result).packet(), conversation.nextIdentifier());
        }
        if (action instanceof PeapInner.Reply reply) {
            return send(request, key, conversation, reply.packet());
        }
        if (action instanceof PeapInner.Refused refused) {
            LOG.info("{} PEAP refused '{}' from client '{}': {}", request.id(), conversation.identity(),
                    request.client().name(), refused.detail());
            return CompletableFuture.completedFuture(end(key, conversation, rejection(eapId, refused.reason(),
                    refused.detail())));
        }
        if (action instanceof PeapInner.Done done) {
            TlsConversation.Authenticated tunnel = conversation.handshakeResult();
            if (!tunnel.resumed()) {
                identity.sessions().put(tunnel.session(), new TlsSessionCache.Authorized(done.userName(),
                        done.acceptAttributes(), done.policyName()));
            }
            boolean bound = done.boundMsk() != null;
            Decision accepted = accept(done.acceptAttributes(), done.policyName(),
                    bound ? done.boundMsk() : tunnel.msk(), eapId, "PEAP-MSCHAPv2 completed for '" + done.userName()
                            + "'", List.of((tunnel.resumed() ? "peap: fast reconnect (session resumed, inner method"
                                    + " skipped)" : "peap: TLS tunnel and inner EAP-MSCHAPv2 completed") + ", "
                                    + (bound ? "crypto binding verified"
                                            : "the peer took no part in the crypto binding")));
            return CompletableFuture.completedFuture(end(key, conversation, accepted));
        }
        PeapInner.Verify verify = (PeapInner.Verify) action;
        if (pipeline == null) {
            end(key, conversation);
            return failure(eapId, ReasonCode.SERVICE_UNAVAILABLE, "no request pipeline is installed");
        }
        AuthenticationRequest login = new AuthenticationRequest(request.id(), request.client(), request.source(),
                verify.userName(), verify.credentials(), request.attributes(), Instant.now());
        // MFA may wait far longer than sessionTimeoutSeconds: the conversation stays in the table (and counts toward
        // maxSessions, holding its tunnel) until the decision, and the peer's time to answer restarts then.
        conversation.awaitDecision();
        CompletionStage<HeldDecision> decided;
        try {
            // Held: the login's outcome is known only when the conversation ends (EAP-TLV Result, crypto binding).
            decided = pipeline.hold(login);
        } catch (RuntimeException e) {
            end(key, conversation);
            throw e;
        }
        return decided.whenComplete((decision, error) -> {
            if (error != null) {
                end(key, conversation);
            } else {
                conversation.decided();
            }
        }).thenCompose(pending -> {
            held.put(conversation, pending);
            Decision decision = pending.decision();
            if (decision.outcome() != Decision.Outcome.ACCEPT) {
                ReasonCode reason = decision.outcome() == Decision.Outcome.REJECT ? decision.reason()
                        : ReasonCode.UNSUPPORTED_AUTH_METHOD;
                return CompletableFuture.completedFuture(end(key, conversation, new Decision(
                        Decision.Outcome.REJECT, reason, decision.detail(), decision.policyName(),
                        eapMessage(new byte[] {EAP_FAILURE, (byte) eapId, 0, 4}), List.of())));
            }
            PeapInner.Action next;
            synchronized (conversation) {
                next = inner.accepted(decision);
            }
            if (next instanceof PeapInner.Reply reply) {
                CompletionStage<Decision> sent = send(request, key, conversation, reply.packet());
                watch(key, conversation);
                return sent;
            }
            PeapInner.Refused refused = (PeapInner.Refused) next;
            return CompletableFuture.completedFuture(end(key, conversation, rejection(eapId, refused.reason(),
                    refused.detail())));
        });
    }

    /**
     * MS-PEAP fast reconnect: a resumed session whose first login passed the inner method and the policy gets that
     * result again, without the inner method (nor MFA); the session cache's lifetime bounds how long.
     */
    private CompletionStage<Decision> fastReconnect(EapRequest request, String key, TlsConversation conversation,
            int eapId, TlsConversation.Authenticated tunnel) {
        TlsSessionCache.Entry cached = identity.sessions().get(tunnel.session().getSessionID());
        if (cached == null || cached.authorized() == null) {
            end(key, conversation);
            return failure(eapId, ReasonCode.AUTHENTICATION_FAILED, "PEAP: the resumed session has left the session"
                    + " cache");
        }
        LOG.info("{} PEAP fast reconnect of '{}' from client '{}': session resumed, inner method skipped",
                request.id(), cached.authorized().userName(), request.client().name());
        PeapInner inner = PeapInner.fastReconnect(random, tunnel.msk(), cached.authorized(), cryptoBinding);
        phase2.put(conversation, inner);
        return send(request, key, conversation, inner.fastReconnectResult(conversation.nextIdentifier()));
    }

    private CompletionStage<Decision> send(EapRequest request, String key, TlsConversation conversation,
            byte[] innerPacket) {
        TlsConversation.Step step;
        synchronized (conversation) {
            step = conversation.sendInner(innerPacket);
        }
        if (step instanceof TlsConversation.Send send) {
            return CompletableFuture.completedFuture(challenge(send.eapPacket(), request.state(),
                    "PEAP phase 2 in progress"));
        }
        return CompletableFuture.completedFuture(end(key, conversation, rejection(request.eapIdentifier(),
                ReasonCode.INTERNAL_ERROR, ((TlsConversation.Failed) step).detail())));
    }

    /** The final accept: the policy's settings, EAP-Success and the MSK as MS-MPPE keys. */
    private static Decision accept(List<ReplyAttribute> policyAttributes, String policyName, byte[] msk, int eapId,
            String detail, List<String> trace) {
        List<ReplyAttribute> attributes = new ArrayList<>(policyAttributes);
        // RFC 5216 section 2.3 / RFC 3079 usage: MS-MPPE-Recv-Key is the first half of the MSK, Send-Key the second.
        attributes.add(new ReplyAttribute("MS-MPPE-Recv-Key", "0x" + HEX.formatHex(msk, 0, 32)));
        attributes.add(new ReplyAttribute("MS-MPPE-Send-Key", "0x" + HEX.formatHex(msk, 32, 64)));
        attributes.addAll(eapMessage(new byte[] {EAP_SUCCESS, (byte) eapId, 0, 4}));
        return new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, detail, policyName, attributes, trace);
    }

    /** The certificate is good: the pipeline maps it to a user and decides, MFA included. */
    private CompletionStage<Decision> decide(EapRequest eap, int eapId, TlsConversation.Authenticated peer,
            AccessRequestHandler pipeline) {
        CertificateCredentials credentials = CertificateIdentity.credentials(peer.certificate());
        if (credentials.identity().isEmpty()) {
            return failure(eapId, ReasonCode.UNKNOWN_USER, "certificate " + credentials.subject()
                    + " names no user (no UPN in its subjectAltName, no CN)");
        }
        if (pipeline == null) {
            return failure(eapId, ReasonCode.SERVICE_UNAVAILABLE, "no request pipeline is installed");
        }
        AuthenticationRequest request = new AuthenticationRequest(eap.id(), eap.client(), eap.source(),
                credentials.identity(), credentials, eap.attributes(), Instant.now());
        return pipeline.handle(request).thenApply(decision -> {
            if (decision.outcome() != Decision.Outcome.ACCEPT) {
                ReasonCode reason = decision.outcome() == Decision.Outcome.REJECT ? decision.reason()
                        : ReasonCode.UNSUPPORTED_AUTH_METHOD;
                return new Decision(Decision.Outcome.REJECT, reason, decision.detail(), decision.policyName(),
                        eapMessage(new byte[] {EAP_FAILURE, (byte) eapId, 0, 4}), decision.trace());
            }
            if (peer.resumed()) {
                LOG.info("{} EAP-TLS session of '{}' from client '{}' resumed", eap.id(), credentials.identity(),
                        eap.client().name());
            } else {
                identity.sessions().put(peer.session(), null);
            }
            List<String> trace = new ArrayList<>(decision.trace());
            trace.add(0, "eap-tls: " + peer.protocol() + (peer.resumed() ? " session resumed, " : " ")
                    + "client certificate " + credentials.subject() + " issued by " + credentials.issuer()
                    + " maps to '" + credentials.identity() + "'");
            return accept(decision.replyAttributes(), decision.policyName(), peer.msk(), eapId, decision.detail(),
                    trace);
        });
    }

    private static Decision challenge(byte[] eapPacket, byte[] state, String detail) {
        List<ReplyAttribute> attributes = new ArrayList<>(eapMessage(eapPacket));
        attributes.add(new ReplyAttribute("State", "0x" + HEX.formatHex(state)));
        return new Decision(Decision.Outcome.CHALLENGE, ReasonCode.EAP_IN_PROGRESS, detail, null, attributes,
                List.of());
    }

    private static CompletionStage<Decision> failure(int eapId, ReasonCode reason, String detail) {
        return CompletableFuture.completedFuture(rejection(eapId, reason, detail));
    }

    private static Decision rejection(int eapId, ReasonCode reason, String detail) {
        return new Decision(Decision.Outcome.REJECT, reason, detail, null,
                eapMessage(new byte[] {EAP_FAILURE, (byte) eapId, 0, 4}), List.of("eap-tls: " + detail));
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
        // Periodic, never per packet: a full table must not turn every start into a scan.
        if (sinceSweep.incrementAndGet() < 256 && conversations.size() < limits.maxSessions()) {
            return;
        }
        sinceSweep.set(0);
        long now = clock.getAsLong();
        for (Map.Entry<String, TlsConversation> entry : conversations.entrySet()) {
            if (entry.getValue().expired(now)) {
                expire(entry.getKey(), entry.getValue());
            }
        }
    }

    int conversations() {
        return conversations.size();
    }
}
