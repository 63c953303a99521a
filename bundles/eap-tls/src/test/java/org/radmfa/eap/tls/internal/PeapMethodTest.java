package org.radmfa.eap.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.AccessRequestHandler;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.eap.EapRequest;
import org.radmfa.testsupport.RecordingPipeline;
import org.radmfa.testsupport.TestPki;

/**
 * A whole PEAP-MSCHAPv2 login through {@link EapTlsMethod}, the peer played by BouncyCastle's TLS client, the
 * pipeline by the test, the conversations' timeouts on the test's clock.
 */
class PeapMethodTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(5);
    private static final byte[] SEND_KEY = filled(16, 0x5A);
    private static final byte[] RECV_KEY = filled(16, 0xA5);
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    @TempDir
    Path dir;

    private EapTlsMethod method;
    private TlsTestPeer peer;
    private byte[] state;
    private int lastRequestId;
    private int requestNumber;

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void anMfaWaitLongerThanTheSessionTimeoutStillEndsInTheEapTlvResult() throws Exception {
        // maxSessions 1: the next start runs the sweep on a full table while the login waits for MFA.
        method = new EapTlsMethod(EapTlsPacket.TYPE_PEAP, identity(), new EapTlsLimits(16000, 65536, 64, 1, TIMEOUT),
                pool, PeapCryptoBinding.Policy.OPTIONAL, clock::get);
        CompletableFuture<Decision> mfa = new CompletableFuture<>();
        CompletableFuture<AuthenticationRequest> asked = new CompletableFuture<>();
        AccessRequestHandler pipeline = request -> {
            asked.complete(request);
            return mfa;
        };
        tunnel();
        byte[] challenge = inner(new byte[] {1, 'c', 'e', 'o'}, pipeline);
        assertEquals(26, challenge[0] & 0xFF, "the MS-CHAPv2 Challenge");
        CompletableFuture<Decision> pending = sendInner(msChapResponse(challenge[2], "alice"), pipeline);
        assertEquals("alice", asked.get(10, TimeUnit.SECONDS).userName()); // the pipeline runs on a handshake thread

        clock.addAndGet(3 * TIMEOUT); // the user approves the push late
        Decision full = method.start(nak()).toCompletableFuture().get();
        assertEquals(ReasonCode.SERVICE_UNAVAILABLE, full.reason(), "the waiting login keeps its place");
        assertEquals(1, method.conversations());
        assertFalse(pending.isDone());
        mfa.complete(new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "accepted", "VPN users",
                List.of(new ReplyAttribute("MS-CHAP2-Success", "0x" + HEX.formatHex(("\u0001S="
                        + "0123456789ABCDEF0123456789ABCDEF01234567").getBytes(StandardCharsets.US_ASCII)))),
                List.of()));
        byte[] success = received(pending.get(10, TimeUnit.SECONDS));
        assertEquals(3, success[1], "the MS-CHAPv2 Success");

        clock.addAndGet(TIMEOUT - 1); // the peer's acknowledgement within the usual time after the decision
        byte[] tlv = inner(new byte[] {26, 3}, pipeline);
        assertEquals(33, tlv[4] & 0xFF, "the EAP-TLV Result");

        byte[] result = {2, (byte) tlv[1], 0, 11, 33, (byte) 0x80, 3, 0, 2, 0, 1};
        Decision accepted = sendInner(result, pipeline).get(10, TimeUnit.SECONDS);
        assertEquals(Decision.Outcome.ACCEPT, accepted.outcome(), accepted.detail());
        assertEquals(0, method.conversations());
    }

    @Test
    void aConversationWaitingForThePeerStillExpires() throws Exception {
        method = new EapTlsMethod(EapTlsPacket.TYPE_PEAP, identity(), new EapTlsLimits(16000, 65536, 64, 1, TIMEOUT),
                pool, PeapCryptoBinding.Policy.OPTIONAL, clock::get);
        AccessRequestHandler pipeline = request -> CompletableFuture.failedFuture(new AssertionError("not asked"));
        tunnel();
        clock.addAndGet(TIMEOUT + 1);
        byte[] acknowledgement = EapTlsPacket.request(lastRequestId, EapTlsPacket.TYPE_PEAP, 0, -1, new byte[0], 0, 0);
        Decision expired = send(acknowledgement, pipeline).get(10, TimeUnit.SECONDS);
        assertEquals(Decision.Outcome.REJECT, expired.outcome());
        assertTrue(expired.detail().contains("expired"), expired.detail());
    }

    @Test
    void aPeerThatProvesTheCryptoBindingIsAcceptedWithTheBoundKeys() throws Exception {
        assertAcceptedWithTheBoundKeys(PeapCryptoBinding.Policy.OPTIONAL);
    }

    @Test
    void withBindingRequiredAPeerThatProvesItIsAccepted() throws Exception {
        assertAcceptedWithTheBoundKeys(PeapCryptoBinding.Policy.REQUIRED);
    }

    /** peapCryptoBinding = optional (the default): wpa_supplicant's crypto_binding=0, older Windows. */
    @Test
    void withBindingOptionalAPeerThatLeavesItUnansweredIsAcceptedWithTheTunnelsKeys() throws Exception {
        method = peapMethod(PeapCryptoBinding.Policy.OPTIONAL);
        byte[] result = upToTheEapTlvResult();
        Decision accepted = sendInner(peerResult(result, new byte[0]), null).get(10, TimeUnit.SECONDS);
        assertEquals(Decision.Outcome.ACCEPT, accepted.outcome(), accepted.detail());
        assertEquals(3, eap(accepted)[0], "EAP-Success");
        byte[] tunnelKey = peer.keyMaterial();
        assertEquals("0x" + HEX.formatHex(tunnelKey, 0, 32), attribute(accepted, "MS-MPPE-Recv-Key"));
        assertEquals("0x" + HEX.formatHex(tunnelKey, 32, 64), attribute(accepted, "MS-MPPE-Send-Key"));
        assertTrue(accepted.trace().toString().contains("the peer took no part in the crypto binding"),
                accepted.trace().toString());
    }

    /**
     * peapCryptoBinding = required (NPS: "Disconnect Clients without Cryptobinding"): no Crypto-Binding TLV, no
     * login.
     */
    @Test
    void withBindingRequiredAPeerThatLeavesItUnansweredIsRejected() throws Exception {
        method = peapMethod(PeapCryptoBinding.Policy.REQUIRED);
        byte[] result = upToTheEapTlvResult();
        assertRefusedForItsBinding(sendInner(peerResult(result, new byte[0]), null).get(10, TimeUnit.SECONDS),
                "peapCryptoBinding = required");
    }

    private void assertAcceptedWithTheBoundKeys(PeapCryptoBinding.Policy policy) throws Exception {
        method = peapMethod(policy);
        byte[] result = upToTheEapTlvResult();
        byte[] request = Arrays.copyOfRange(result, 11, result.length);
        PeapPeerBinding binding = peerBinding(peer.keyMaterial());
        assertTrue(binding.requestVerifies(request), "the server's Binding Request, checked as a peer checks it");

        Decision accepted = sendInner(peerResult(result, binding.response(request)), null).get(10, TimeUnit.SECONDS);
        assertEquals(Decision.Outcome.ACCEPT, accepted.outcome(), accepted.detail());
        assertEquals(3, eap(accepted)[0], "EAP-Success");
        byte[] msk = binding.msk();
        assertEquals("0x" + HEX.formatHex(msk, 0, 32), attribute(accepted, "MS-MPPE-Recv-Key"));
        assertEquals("0x" + HEX.formatHex(msk, 32, 64), attribute(accepted, "MS-MPPE-Send-Key"));
        assertTrue(accepted.trace().toString().contains("crypto binding verified"), accepted.trace().toString());
    }

    /** A Compound MAC that does not verify is what a tunnel relayed by a man in the middle looks like. */
    @Test
    void aWrongCompoundMacFromThePeerIsRejectedAsAFailedAuthentication() throws Exception {
        method = peapMethod(PeapCryptoBinding.Policy.OPTIONAL);
        byte[] result = upToTheEapTlvResult();
        byte[] request = Arrays.copyOfRange(result, 11, result.length);
        byte[] response = peerBinding(peer.keyMaterial()).response(request);
        response[59] ^= 1;
        assertRefusedForItsBinding(sendInner(peerResult(result, response), null).get(10, TimeUnit.SECONDS),
                "crypto binding does not verify");
    }

    /** The inner login relayed from another tunnel: the peer's MAC is right for its own tunnel key, not for ours. */
    @Test
    void aBindingMadeWithAnotherTunnelsKeyIsRejected() throws Exception {
        method = peapMethod(PeapCryptoBinding.Policy.OPTIONAL);
        byte[] result = upToTheEapTlvResult();
        byte[] request = Arrays.copyOfRange(result, 11, result.length);
        byte[] otherTunnel = peer.keyMaterial().clone();
        otherTunnel[0] ^= 1;
        byte[] response = peerBinding(otherTunnel).response(request);
        assertRefusedForItsBinding(sendInner(peerResult(result, response), null).get(10, TimeUnit.SECONDS),
                "crypto binding does not verify");
    }

    /**
     * What the NAS got is what the audit, radmfa:decisions and the metrics hear: the pipeline's accept of the inner
     * MS-CHAPv2 is not the login's outcome while the crypto binding may still refuse it.
     */
    @Test
    void aLoginRefusedForItsCryptoBindingIsRecordedAsTheRefusal() throws Exception {
        method = peapMethod(PeapCryptoBinding.Policy.OPTIONAL);
        RecordingPipeline pipeline = acceptingPipeline();
        byte[] result = upToTheEapTlvResult(pipeline);
        assertTrue(pipeline.heard.isEmpty(), "nothing recorded while the conversation goes on: " + pipeline.heard);
        byte[] request = Arrays.copyOfRange(result, 11, result.length);
        byte[] response = peerBinding(peer.keyMaterial()).response(request);
        response[59] ^= 1;
        Decision refused = sendInner(peerResult(result, response), pipeline).get(10, TimeUnit.SECONDS);
        assertRefusedForItsBinding(refused, "crypto binding does not verify");

        assertEquals(1, pipeline.heard.size(), "recorded once: " + pipeline.heard);
        DecisionRecord record = pipeline.heard.get(0);
        assertEquals(Decision.Outcome.REJECT, record.decision().outcome());
        assertEquals(ReasonCode.AUTHENTICATION_FAILED, record.decision().reason());
        assertEquals(refused.detail(), record.decision().detail());
        assertEquals("VPN users", record.decision().policyName());
        assertEquals("alice", record.userName());
        assertEquals(AuthMethod.PEAP, record.method());
        String trace = record.decision().trace().toString();
        assertTrue(trace.contains("network policy 'VPN users' granted"), "the pipeline's trace: " + trace);
        assertTrue(trace.contains("crypto binding does not verify"), "and why the login was refused: " + trace);
    }

    @Test
    void withBindingRequiredALoginWithoutBindingIsRecordedAsTheRefusal() throws Exception {
        method = peapMethod(PeapCryptoBinding.Policy.REQUIRED);
        RecordingPipeline pipeline = acceptingPipeline();
        byte[] result = upToTheEapTlvResult(pipeline);
        Decision refused = sendInner(peerResult(result, new byte[0]), pipeline).get(10, TimeUnit.SECONDS);
        assertRefusedForItsBinding(refused, "peapCryptoBinding = required");
        assertEquals(List.of(ReasonCode.AUTHENTICATION_FAILED),
                pipeline.heard.stream().map(r -> r.decision().reason()).toList());
    }

    /** The peer's own Result TLV says Failure (it did not accept our MS-CHAPv2 Success, say). */
    @Test
    void aPeerThatAnswersTheResultWithFailureIsRecordedAsTheRefusal() throws Exception {
        method = peapMethod(PeapCryptoBinding.Policy.OPTIONAL);
        RecordingPipeline pipeline = acceptingPipeline();
        byte[] result = upToTheEapTlvResult(pipeline);
        byte[] failure = peerResult(result, new byte[0]);
        failure[10] = 2;
        Decision refused = sendInner(failure, pipeline).get(10, TimeUnit.SECONDS);
        assertEquals(Decision.Outcome.REJECT, refused.outcome());
        assertEquals(1, pipeline.heard.size(), "recorded once: " + pipeline.heard);
        assertEquals(Decision.Outcome.REJECT, pipeline.heard.get(0).decision().outcome());
        assertEquals(refused.reason(), pipeline.heard.get(0).decision().reason());
        assertEquals(refused.detail(), pipeline.heard.get(0).decision().detail());
    }

    @Test
    void anAcceptedLoginIsRecordedOnceAsTheAcceptTheNasGets() throws Exception {
        method = peapMethod(PeapCryptoBinding.Policy.REQUIRED);
        RecordingPipeline pipeline = acceptingPipeline();
        byte[] result = upToTheEapTlvResult(pipeline);
        byte[] request = Arrays.copyOfRange(result, 11, result.length);
        Decision accepted = sendInner(peerResult(result, peerBinding(peer.keyMaterial()).response(request)),
                pipeline).get(10, TimeUnit.SECONDS);
        assertEquals(Decision.Outcome.ACCEPT, accepted.outcome(), accepted.detail());
        assertEquals(1, pipeline.heard.size(), "recorded once: " + pipeline.heard);
        Decision recorded = pipeline.heard.get(0).decision();
        assertEquals(Decision.Outcome.ACCEPT, recorded.outcome());
        assertEquals("VPN users", recorded.policyName());
        assertEquals("granted by network policy 'VPN users'", recorded.detail(), "the pipeline's explanation");
        assertEquals(attribute(accepted, "Class"), attribute(recorded, "Class"), "the correlation id the NAS got");
        assertTrue(recorded.trace().toString().contains("crypto binding verified"), recorded.trace().toString());
    }

    /** The peer never confirms the MS-CHAPv2 Success: no Access-Accept was sent, and none is recorded. */
    @Test
    void aPeerThatGoesAwayAfterThePipelineAcceptedIsRecordedAsNotFinished() throws Exception {
        method = peapMethod(PeapCryptoBinding.Policy.OPTIONAL);
        RecordingPipeline pipeline = acceptingPipeline();
        tunnel();
        byte[] challenge = inner(new byte[] {1, 'c', 'e', 'o'}, pipeline);
        inner(msChapResponse(challenge[2], "alice"), pipeline);
        clock.addAndGet(TIMEOUT + 1);
        byte[] acknowledgement = {2, (byte) lastRequestId, 0, 6, 25, 0};
        Decision expired = send(acknowledgement, pipeline).get(10, TimeUnit.SECONDS);
        assertEquals(Decision.Outcome.REJECT, expired.outcome());
        assertEquals(1, pipeline.heard.size(), "recorded once: " + pipeline.heard);
        assertEquals(Decision.Outcome.REJECT, pipeline.heard.get(0).decision().outcome());
        assertEquals("VPN users", pipeline.heard.get(0).decision().policyName());
    }

    /** No datagram comes again: the conversation's timer ends it and records the held decision as a refusal. */
    @Test
    void aPeerThatFallsSilentAfterThePipelineAcceptedIsRecordedWhenItsTimeRunsOut() throws Exception {
        List<Runnable> timers = new java.util.concurrent.CopyOnWriteArrayList<>();
        method = new EapTlsMethod(EapTlsPacket.TYPE_PEAP, identity(), new EapTlsLimits(16000, 65536, 64, 4, TIMEOUT),
                pool, PeapCryptoBinding.Policy.OPTIONAL, clock::get, (nanos, task) -> timers.add(task));
        RecordingPipeline pipeline = acceptingPipeline();
        tunnel();
        byte[] challenge = inner(new byte[] {1, 'c', 'e', 'o'}, pipeline);
        inner(msChapResponse(challenge[2], "alice"), pipeline);
        assertEquals(1, timers.size(), "the held decision is watched");

        clock.addAndGet(TIMEOUT - 1);
        timers.remove(0).run();
        assertTrue(pipeline.heard.isEmpty(), "the peer still has time");
        assertEquals(1, timers.size(), "watched again");

        clock.addAndGet(2);
        timers.remove(0).run();
        assertEquals(0, method.conversations());
        assertEquals(1, pipeline.heard.size(), "recorded once: " + pipeline.heard);
        Decision recorded = pipeline.heard.get(0).decision();
        assertEquals(Decision.Outcome.REJECT, recorded.outcome());
        assertEquals(ReasonCode.MALFORMED_REQUEST, recorded.reason());
        assertTrue(recorded.detail().contains("did not finish"), recorded.detail());
        assertEquals("VPN users", recorded.policyName());
        assertTrue(timers.isEmpty());
    }

    /** The pipeline accepts the inner MS-CHAPv2 (with its Class, as the real one does) after its own trace. */
    private static RecordingPipeline acceptingPipeline() {
        return new RecordingPipeline(request -> new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED,
                "granted by network policy 'VPN users'", "VPN users", List.of(
                        new ReplyAttribute("MS-CHAP2-Success", "0x" + HEX.formatHex(("\u0001S="
                                + "0123456789ABCDEF0123456789ABCDEF01234567").getBytes(StandardCharsets.US_ASCII))),
                        new ReplyAttribute("MS-MPPE-Send-Key", "0x" + HEX.formatHex(SEND_KEY)),
                        new ReplyAttribute("MS-MPPE-Recv-Key", "0x" + HEX.formatHex(RECV_KEY)),
                        new ReplyAttribute("Class", "radmfa:3f1c9a2e")),
                List.of("directory 'local': 'alice' authenticated", "network policy 'VPN users' granted")));
    }

    private void assertRefusedForItsBinding(Decision refused, String detail) {
        assertEquals(Decision.Outcome.REJECT, refused.outcome(), refused.detail());
        assertEquals(4, eap(refused)[0], "EAP-Failure");
        assertEquals(ReasonCode.AUTHENTICATION_FAILED, refused.reason(), refused.detail());
        assertTrue(refused.detail().contains(detail), refused.detail());
        assertFalse(refused.replyAttributes().stream().anyMatch(a -> a.name().startsWith("MS-MPPE")), "no keys");
        assertEquals(0, method.conversations());
    }

    private EapTlsMethod peapMethod(PeapCryptoBinding.Policy binding) throws Exception {
        return new EapTlsMethod(EapTlsPacket.TYPE_PEAP, identity(), new EapTlsLimits(16000, 65536, 64, 4, TIMEOUT),
                pool, binding, clock::get);
    }

    /** The login up to the server's EAP-TLV Result (EAP header included), the pipeline accepting at once. */
    private byte[] upToTheEapTlvResult() throws Exception {
        return upToTheEapTlvResult(request -> CompletableFuture.completedFuture(new Decision(
                Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "accepted", "VPN users", List.of(
                        new ReplyAttribute("MS-CHAP2-Success", "0x" + HEX.formatHex(("\u0001S="
                                + "0123456789ABCDEF0123456789ABCDEF01234567").getBytes(StandardCharsets.US_ASCII))),
                        new ReplyAttribute("MS-MPPE-Send-Key", "0x" + HEX.formatHex(SEND_KEY)),
                        new ReplyAttribute("MS-MPPE-Recv-Key", "0x" + HEX.formatHex(RECV_KEY))), List.of())));
    }

    private byte[] upToTheEapTlvResult(AccessRequestHandler pipeline) throws Exception {
        tunnel();
        byte[] challenge = inner(new byte[] {1, 'c', 'e', 'o'}, pipeline);
        byte[] success = inner(msChapResponse(challenge[2], "alice"), pipeline);
        assertEquals(3, success[1], "the MS-CHAPv2 Success");
        byte[] result = inner(new byte[] {26, 3}, pipeline);
        assertEquals(33, result[4] & 0xFF, "the EAP-TLV Result");
        assertEquals(11 + PeapCryptoBinding.TLV_LENGTH, result.length, "with a Crypto-Binding TLV");
        return result;
    }

    /** The inner EAP-MSCHAPv2's MSK, the ISK: the server's receive key, then its send key. */
    private static PeapPeerBinding peerBinding(byte[] tunnelKey) {
        byte[] isk = Arrays.copyOf(RECV_KEY, 32);
        System.arraycopy(SEND_KEY, 0, isk, 16, 16);
        return new PeapPeerBinding(tunnelKey, isk);
    }

    /** The peer's EAP-TLV Response: the Result TLV (Success), then its Crypto-Binding TLV. */
    private static byte[] peerResult(byte[] serverResult, byte[] bindingTlv) {
        byte[] packet = new byte[11 + bindingTlv.length];
        byte[] header = {2, serverResult[1], 0, (byte) packet.length, 33, (byte) 0x80, 3, 0, 2, 0, 1};
        System.arraycopy(header, 0, packet, 0, header.length);
        System.arraycopy(bindingTlv, 0, packet, header.length, bindingTlv.length);
        return packet;
    }

    private static String attribute(Decision decision, String name) {
        return decision.replyAttributes().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow()
                .value();
    }

    /** Start, the TLS 1.2 handshake, its acknowledgement: the first inner packet is the Identity request. */
    private void tunnel() throws Exception {
        Decision started = method.start(nak()).toCompletableFuture().get();
        state = HEX.parseHex(started.replyAttributes().stream().filter(a -> a.name().equals("State")).findFirst()
                .orElseThrow().value().substring(2));
        lastRequestId = eap(started)[1] & 0xFF;
        peer = new TlsTestPeer(ProtocolVersion.TLSv12);
        Decision flight = tls(peer.output());
        peer.input(tlsData(eap(flight)));
        Decision finished = tls(peer.output());
        peer.input(tlsData(eap(finished)));
        assertTrue(peer.connected());
        byte[] identityRequest = received(send(EapTlsPacket.request(lastRequestId, EapTlsPacket.TYPE_PEAP, 0, -1,
                new byte[0], 0, 0), null).get(10, TimeUnit.SECONDS));
        assertEquals(1, identityRequest[0], "the inner Identity request");
    }

    private Decision tls(byte[] data) throws Exception {
        Decision decision = send(EapTlsPacket.request(lastRequestId, EapTlsPacket.TYPE_PEAP, 0, -1, data, 0,
                data.length), null).get(10, TimeUnit.SECONDS);
        assertEquals(Decision.Outcome.CHALLENGE, decision.outcome(), decision.detail());
        return decision;
    }

    private byte[] inner(byte[] packet, AccessRequestHandler pipeline) throws Exception {
        return received(sendInner(packet, pipeline).get(10, TimeUnit.SECONDS));
    }

    private CompletableFuture<Decision> sendInner(byte[] packet, AccessRequestHandler pipeline) throws Exception {
        peer.send(packet);
        byte[] data = peer.output();
        return send(EapTlsPacket.request(lastRequestId, EapTlsPacket.TYPE_PEAP, 0, -1, data, 0, data.length),
                pipeline);
    }

    /** The inner packet a challenge carries through the tunnel. */
    private byte[] received(Decision decision) throws Exception {
        assertEquals(Decision.Outcome.CHALLENGE, decision.outcome(), decision.detail());
        peer.input(tlsData(eap(decision)));
        return peer.received();
    }

    private CompletableFuture<Decision> send(byte[] response, AccessRequestHandler pipeline) {
        response[0] = 2;
        return method.next(new EapRequest("rq-" + ++requestNumber, client(), new InetSocketAddress("127.0.0.1", 1812),
                "peer", "peer", response, state, List.of()), pipeline).toCompletableFuture();
    }

    private byte[] eap(Decision decision) {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        decision.replyAttributes().stream().filter(a -> a.name().equals("EAP-Message"))
                .forEach(a -> packet.writeBytes(HEX.parseHex(a.value().substring(2))));
        byte[] eap = packet.toByteArray();
        lastRequestId = eap[1] & 0xFF;
        return eap;
    }

    private static byte[] tlsData(byte[] request) {
        int offset = (request[5] & EapTlsPacket.FLAG_LENGTH) != 0 ? 10 : 6;
        assertEquals(0, request[5] & EapTlsPacket.FLAG_MORE, "one fragment");
        return Arrays.copyOfRange(request, offset, request.length);
    }

    /** EAP-MSCHAPv2 Response, header stripped: its NT-Response is not checked here (the pipeline would). */
    private static byte[] msChapResponse(byte msChapId, String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] packet = new byte[55 + nameBytes.length];
        packet[0] = 26;
        packet[1] = 2;
        packet[2] = msChapId;
        packet[3] = (byte) ((packet.length - 1) >> 8);
        packet[4] = (byte) (packet.length - 1);
        packet[5] = 49;
        System.arraycopy(nameBytes, 0, packet, 55, nameBytes.length);
        return packet;
    }

    /** PEAP's identity: an RSA-2048 server certificate of a test CA, TLS 1.2, no client certificate. */
    private EapTlsServer.Identity identity() throws Exception {
        TestPki pki = new TestPki(dir, "test CA", TestPki.KeyType.RSA_2048);
        Path store = pki.issue("radius.example", null, false);
        JcaTlsCrypto crypto = EapTlsCrypto.create();
        X509Certificate ca = pki.caCertificate();
        return new EapTlsServer.Identity(crypto, TestPki.privateKey(store),
                new TlsCertificate[] {crypto.createCertificate(pki.certificate("radius.example").getEncoded())}, true,
                new ClientCertificateVerifier(List.of(ca), List.of()),
                List.of(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded())),
                new ProtocolVersion[] {ProtocolVersion.TLSv12}, null).forPeap(null);
    }

    private static EapRequest nak() {
        return new EapRequest("rq-start", client(), new InetSocketAddress("127.0.0.1", 1812), "peer", "peer",
                new byte[] {2, 1, 0, 6, 3, 25}, null, List.of());
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static RadiusClient client() {
        return new RadiusClient("nas", "127.0.0.1", SharedSecret.of("secret"), "RADIUS Standard",
                MessageAuthenticatorPolicy.REQUIRED, false);
    }
}
