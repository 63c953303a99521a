package org.radmfa.transport.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.radmfa.api.AccessRequestHandler;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.EapCredentials;
import org.radmfa.api.MsChapV2Credentials;
import org.radmfa.api.MsChapV2PasswordChange;
import org.radmfa.api.PolicyEngine;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.eap.EapMethod;
import org.radmfa.api.eap.EapRequest;

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
 * Which method is proposed on the identity is the network policies' choice ({@link AccessRequestHandler#eapMethods},
 * NPS's EAP types per policy, EAP-MSCHAPv2 first by default): the first of them this server speaks, itself or a
 * method another bundle offers as an {@link EapMethod} (EAP-TLS, PEAP), which then owns the conversation and its
 * State. A peer's Nak may ask for another of the allowed methods; one the policies do not allow is refused with
 * reason 66.
 */
final class EapMsChapV2 {
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

    private enum Stage {
        CHALLENGED,
        CHANGE_OFFERED,
        /** The Change-Password is with the pipeline: one offer per conversation, never a second. */
        CHANGING,
        SUCCEEDED
    }

    private static class Session {
        final String identity;
        /** The EAP types the network policies allow, in their order: what a Nak may ask for. */
        final List<Integer> allowed;
        final long expiresAtNanos;

        Session(String identity, List<Integer> allowed, long expiresAtNanos) {
            this.identity = identity;
            this.allowed = allowed;
            this.expiresAtNanos = expiresAtNanos;
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

        MsChapSession(String identity, List<Integer> allowed, byte[] authenticatorChallenge, int msChapId,
                long expiresAtNanos) {
            super(identity, allowed, expiresAtNanos);
            this.authenticatorChallenge = authenticatorChallenge;
            this.msChapId = msChapId;
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
    private final AtomicInteger sinceSweep = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final UnsupportedMethodLog unsupportedMethods;
    private final Supplier<List<EapMethod>> methods;

    EapMsChapV2(UnsupportedMethodLog unsupportedMethods, Supplier<List<EapMethod>> methods) {
        this.unsupportedMethods = unsupportedMethods;
        this.methods = methods;
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
        if (session == null || session.expiresAtNanos - System.nanoTime() < 0) {
            sessions.remove(key);
            return failure(eapId, ReasonCode.MALFORMED_REQUEST, "unknown or expired EAP conversation");
        }
        if (type == TYPE_NAK) {
            sessions.remove(key);
            return nak(eap, session, packet, eapId);
        }
        MsChapSession msChap = (MsChapSession) session;
        if (type != TYPE_MSCHAPV2) {
            // RFC 3748 section 5.3.1: the peer answers in the method asked for or with a Nak; anything else is a
            // method this server does not speak, decided like a Nak.
            sessions.remove(key);
            unsupportedMethods.rejected(eap.client().name(), EapTypes.name(type), session.identity,
                    eap.source().toString());
            return failure(eapId, ReasonCode.AUTH_METHOD_NOT_ALLOWED,
                    "the peer answered in " + EapTypes.name(type) + ", which this server does not offer");
        }
        if (packet.length < 6) {
            return CompletableFuture.completedFuture(null);
        }
        int opCode = packet[5] & 0xFF;
        if (msChap.stage == Stage.CHALLENGED && opCode == OP_RESPONSE) {
            return response(eap, msChap, key, packet, eapId, pipeline);
        }
        if (msChap.stage == Stage.CHANGE_OFFERED && opCode == OP_CHANGE_PASSWORD) {
            return changePassword(eap, msChap, key, packet, eapId, pipeline);
        }
        if (msChap.stage == Stage.CHANGE_OFFERED && opCode == OP_FAILURE) {
            // The peer acknowledged the failure instead of changing the password (its user declined).
            sessions.remove(key);
            return failure(eapId, ReasonCode.PASSWORD_MUST_CHANGE, "the peer did not change its expired password");
        }
        sessions.remove(key);
        if (msChap.stage == Stage.SUCCEEDED && opCode == OP_SUCCESS) {
            List<ReplyAttribute> attributes = new ArrayList<>(msChap.acceptAttributes);
            attributes.addAll(eapMessage(new byte[] {EAP_SUCCESS, (byte) eapId, 0, 4}));
            return CompletableFuture.completedFuture(new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED,
                    "EAP-MSCHAPv2 completed", msChap.policyName, attributes, List.of()));
        }
        return failure(eapId, ReasonCode.MALFORMED_REQUEST, "unexpected EAP-MSCHAPv2 op-code " + opCode);
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
                        System.nanoTime() + LIFETIME_NANOS));
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
                System.nanoTime() + LIFETIME_NANOS);
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
            sessions.remove(key);
            return failure(eapId, ReasonCode.MALFORMED_REQUEST, "malformed EAP-MSCHAPv2 response");
        }
        String name = new String(packet, 59, packet.length - 59, StandardCharsets.UTF_8);
        session.responseName = name.isEmpty() ? session.identity : name;
        MsChapV2Credentials credentials = new MsChapV2Credentials(AuthMethod.EAP_MSCHAPV2, session.msChapId,
                session.authenticatorChallenge, Arrays.copyOfRange(packet, 10, 26),
                Arrays.copyOfRange(packet, 34, 58));
        if (pipeline == null) {
            sessions.remove(key);
            return failure(eapId, ReasonCode.SERVICE_UNAVAILABLE, "no request pipeline is installed");
        }
        session.successId = session.msChapId;
        AuthenticationRequest request = new AuthenticationRequest(eap.id(), eap.client(), eap.source(),
                name.isEmpty() ? session.identity : name, credentials, eap.attributes(), Instant.now());
        return pipeline.handle(request).thenApply(decision -> afterDecision(session, key, eapId, decision));
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
            sessions.remove(key);
            return failure(eapId, ReasonCode.MALFORMED_REQUEST, "malformed EAP-MSCHAPv2 Change-Password");
        }
        if (pipeline == null) {
            sessions.remove(key);
            return failure(eapId, ReasonCode.SERVICE_UNAVAILABLE, "no request pipeline is installed");
        }
        int changeId = packet[6] & 0xFF;
        MsChapV2Credentials response = new MsChapV2Credentials(AuthMethod.EAP_MSCHAPV2, changeId,
                session.changeChallenge, Arrays.copyOfRange(packet, 541, 557), Arrays.copyOfRange(packet, 565, 589));
        MsChapV2PasswordChange change = new MsChapV2PasswordChange(response, Arrays.copyOfRange(packet, 9, 525),
                Arrays.copyOfRange(packet, 525, 541));
        session.stage = Stage.CHANGING;
        session.successId = changeId;
        AuthenticationRequest request = new AuthenticationRequest(eap.id(), eap.client(), eap.source(),
                session.responseName, change, eap.attributes(), Instant.now());
        return pipeline.handle(request).thenApply(decision -> afterDecision(session, key, eapId, decision));
    }

    private Decision afterDecision(MsChapSession session, String key, int eapId, Decision decision) {
        byte[] success = decision.outcome() == Decision.Outcome.ACCEPT ? msChap2Success(decision) : null;
        if (success == null && session.stage == Stage.CHALLENGED && changeOffered(decision)) {
            return offerChange(session, key, eapId, decision);
        }
        if (success == null) {
            sessions.remove(key);
            return withEapFailure(decision, eapId);
        }
        List<ReplyAttribute> kept = new ArrayList<>(decision.replyAttributes());
        kept.removeIf(attribute -> attribute.name().equals("MS-CHAP2-Success"));
        session.acceptAttributes = kept;
        session.policyName = decision.policyName();
        session.stage = Stage.SUCCEEDED;
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
     * Change-Password must be made with. The pipeline's reject stays in the audit; the conversation goes on.
     */
    private Decision offerChange(MsChapSession session, String key, int eapId, Decision decision) {
        byte[] challenge = new byte[16];
        random.nextBytes(challenge);
        session.changeChallenge = challenge;
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
        long now = System.nanoTime();
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext();) {
            if (it.next().expiresAtNanos - now < 0) {
                it.remove();
            }
        }
    }

    int sessions() {
        return sessions.size();
    }
}
