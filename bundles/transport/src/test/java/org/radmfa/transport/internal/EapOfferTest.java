package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.radmfa.api.AccessRequestHandler;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.Decision;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.eap.EapMethod;
import org.radmfa.api.eap.EapRequest;
import org.tinyradius.packet.AccessRequest;

/**
 * Which EAP method is proposed on the identity is the network policy's (NPS's EAP types in their order), over real
 * loopback UDP: the first allowed method the server speaks, a Nak only to another allowed one, reason 66 otherwise.
 */
class EapOfferTest {
    private static final String SECRET = "offer-secret";
    private static final RadiusClient LOOPBACK =
            new RadiusClient("loopback", "127.0.0.1", SharedSecret.of(SECRET), null, true);
    private static final byte[] IDENTITY = {2, 5, 0, 10, 1, 'a', 'l', 'i', 'c', 'e'};

    /** What the network policy allows for the identity; a test sets it. */
    private volatile List<AuthMethod> allowed = List.of();
    private final TlsLikeMethod tls = new TlsLikeMethod();
    private RadiusServer server;
    private InetSocketAddress auth;
    private DatagramSocket socket;
    private int nextId;

    /** Stands for EAP-TLS: a Start under its own State, and a reject to whatever follows. */
    private static final class TlsLikeMethod implements EapMethod {
        private static final byte[] STATE = "tls-conversation".getBytes(StandardCharsets.US_ASCII);
        final AtomicInteger steps = new AtomicInteger();

        @Override
        public int type() {
            return 13;
        }

        @Override
        public CompletionStage<Decision> start(EapRequest request) {
            int id = (request.eapIdentifier() + 1) & 0xFF;
            return CompletableFuture.completedFuture(new Decision(Decision.Outcome.CHALLENGE,
                    ReasonCode.EAP_IN_PROGRESS, "start", null, List.of(new ReplyAttribute("EAP-Message",
                            String.format("0x01%02x00060d20", id)), new ReplyAttribute("State",
                                    "0x" + HexFormat.of().formatHex(STATE))), List.of()));
        }

        @Override
        public boolean owns(byte[] state) {
            return Arrays.equals(state, STATE);
        }

        @Override
        public CompletionStage<Decision> next(EapRequest request, AccessRequestHandler pipeline) {
            steps.incrementAndGet();
            return CompletableFuture.completedFuture(Decision.reject(ReasonCode.AUTHENTICATION_FAILED,
                    "the method's own step", List.of()));
        }
    }

    @BeforeEach
    void start() throws Exception {
        ClientRegistry registry = new ClientRegistry() {
            @Override
            public Optional<RadiusClient> find(InetAddress source) {
                return Optional.of(LOOPBACK);
            }

            @Override
            public List<RadiusClient> clients() {
                return List.of(LOOPBACK);
            }
        };
        AccessRequestHandler pipeline = new AccessRequestHandler() {
            @Override
            public CompletionStage<Decision> handle(AuthenticationRequest request) {
                return CompletableFuture.completedFuture(Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "no",
                        List.of()));
            }

            @Override
            public List<AuthMethod> eapMethods(AuthenticationRequest request) {
                return allowed;
            }
        };
        server = new RadiusServer(registry, pipeline, List.of());
        server.bindEapMethod(tls);
        server.configure(Map.of("authPort", "0", "acctPort", "0", "listenAddresses", "127.0.0.1"));
        auth = server.boundAddresses().get(0);
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        socket.setSoTimeout(10_000);
    }

    @AfterEach
    void stop() {
        socket.close();
        server.deactivate();
    }

    @Test
    void theFirstMethodOfThePolicyIsProposedAndANakMayTakeAnotherAllowedOne() throws Exception {
        allowed = List.of(AuthMethod.EAP_TLS, AuthMethod.EAP_MSCHAPV2);
        byte[] proposed = exchange(IDENTITY, null);
        assertEquals(RadiusWire.ACCESS_CHALLENGE, proposed[0]);
        assertEquals(13, eap(proposed)[4], "EAP-TLS proposed first");
        byte[] nak = {2, eap(proposed)[1], 0, 6, 3, 26};
        byte[] msChap = exchange(nak, state(proposed));
        assertEquals(RadiusWire.ACCESS_CHALLENGE, msChap[0]);
        assertEquals(26, eap(msChap)[4], "EAP-MSCHAPv2 after the Nak");
        assertEquals(0, tls.steps.get(), "the Nak was not the method's");
    }

    @Test
    void aNakForAMethodThePolicyDoesNotAllowIsRejectedWithReason66() throws Exception {
        allowed = List.of(AuthMethod.EAP_TLS);
        byte[] proposed = exchange(IDENTITY, null);
        byte[] nak = {2, eap(proposed)[1], 0, 6, 3, 26};
        byte[] refused = exchange(nak, state(proposed));
        assertEquals(RadiusWire.ACCESS_REJECT, refused[0]);
        assertEquals(4, eap(refused)[0], "EAP-Failure");
        assertEquals(1L, server.clients().get(0).rejects().get("AUTH_METHOD_NOT_ALLOWED"));
    }

    @Test
    void anInstalledMethodThePolicyLeavesOutIsNotReachedByNak() throws Exception {
        allowed = List.of(AuthMethod.EAP_MSCHAPV2);
        byte[] proposed = exchange(IDENTITY, null);
        assertEquals(26, eap(proposed)[4]);
        byte[] refused = exchange(new byte[] {2, eap(proposed)[1], 0, 6, 3, 13}, state(proposed));
        assertEquals(RadiusWire.ACCESS_REJECT, refused[0]);
        assertEquals(1L, server.clients().get(0).rejects().get("AUTH_METHOD_NOT_ALLOWED"));
    }

    @Test
    void noEapMethodAllowedIsRejectedOnTheIdentity() throws Exception {
        allowed = List.of();
        byte[] refused = exchange(IDENTITY, null);
        assertEquals(RadiusWire.ACCESS_REJECT, refused[0]);
        assertEquals(4, eap(refused)[0], "EAP-Failure");
        assertEquals(1L, server.clients().get(0).rejects().get("AUTH_METHOD_NOT_ALLOWED"));
    }

    @Test
    void aPeerThatTakesTheProposedMethodTalksToItFromThenOn() throws Exception {
        allowed = List.of(AuthMethod.EAP_TLS, AuthMethod.EAP_MSCHAPV2);
        byte[] proposed = exchange(IDENTITY, null);
        byte[] clientHello = {2, eap(proposed)[1], 0, 6, 13, 0};
        byte[] answer = exchange(clientHello, state(proposed));
        assertEquals(RadiusWire.ACCESS_REJECT, answer[0]);
        assertEquals(1, tls.steps.get());
        assertEquals(1L, server.clients().get(0).rejects().get("AUTHENTICATION_FAILED"));
    }

    /** Sends one signed EAP step and returns the answer. */
    private byte[] exchange(byte[] eap, byte[] state) throws Exception {
        AccessRequest request = new AccessRequest();
        request.setPacketIdentifier(nextId++);
        request.setUserName("alice");
        request.addAttribute(new org.tinyradius.attribute.RadiusAttribute(79, eap));
        if (state != null) {
            request.addAttribute(new org.tinyradius.attribute.RadiusAttribute(24, state));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        byte[] packet = out.toByteArray();
        byte[] signed = Arrays.copyOf(packet, packet.length + 18);
        signed[packet.length] = 80;
        signed[packet.length + 1] = 18;
        signed[2] = (byte) (signed.length >> 8);
        signed[3] = (byte) signed.length;
        System.arraycopy(RadiusWire.hmacMd5(SECRET.getBytes(StandardCharsets.UTF_8), signed), 0, signed,
                packet.length + 2, 16);
        socket.send(new DatagramPacket(signed, signed.length, auth));
        DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
        socket.receive(answer);
        return Arrays.copyOf(answer.getData(), answer.getLength());
    }

    private static byte[] eap(byte[] response) {
        int offset = RadiusWire.find(response, 79);
        return Arrays.copyOfRange(response, offset + 2, offset + (response[offset + 1] & 0xFF));
    }

    private static byte[] state(byte[] response) {
        int offset = RadiusWire.find(response, 24);
        return Arrays.copyOfRange(response, offset + 2, offset + (response[offset + 1] & 0xFF));
    }
}
