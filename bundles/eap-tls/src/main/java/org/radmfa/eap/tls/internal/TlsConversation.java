package org.radmfa.eap.tls.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.function.LongSupplier;

import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsSession;

/**
 * One EAP-TLS conversation: reassembles the peer's fragments, feeds whole TLS messages to BouncyCastle's TLS server
 * protocol (in its non-blocking mode: bytes in, bytes out, no socket), and cuts the server's flights into fragments
 * the peer acknowledges (RFC 5216 section 2.1.5). Not thread-safe: its owner serializes the steps of one
 * conversation.
 */
final class TlsConversation {
    private static final byte[] EMPTY = new byte[0];

    /** What one step of the conversation leads to. */
    sealed interface Step {
    }

    /** Send this EAP-Request in an Access-Challenge. */
    record Send(byte[] eapPacket) implements Step {
    }

    /**
     * The handshake is complete and the peer has acknowledged the server's last flight, or (a resumed session) sent
     * its Finished after ours. {@code msk} is the first 64 octets of the key material.
     */
    record Authenticated(X509Certificate certificate, String protocol, byte[] msk, boolean resumed,
            TlsSession session) implements Step {
    }

    /** The conversation ends in an EAP-Failure. */
    record Failed(String detail, boolean malformed) implements Step {
    }

    /** PEAP: an EAP packet the peer sent inside the tunnel. */
    record Inner(byte[] packet) implements Step {
    }

    private final EapTlsServer.Identity identity;
    private final EapTlsLimits limits;
    private final int type;
    private final String peerIdentity;
    private final LongSupplier clock;
    /** Read by the sweep without the conversation's lock. */
    private volatile long expiresAtNanos;
    /** PEAP: the pipeline is deciding on the inner login (MFA included); the conversation does not expire meanwhile. */
    private volatile boolean deciding;
    private int lastRequestId;
    private TlsServerProtocol protocol;
    private EapTlsServer server;
    private ByteArrayOutputStream incoming = new ByteArrayOutputStream();
    private int fragments;
    private byte[] outgoing;
    private int sent;
    private boolean handshakeDone;
    private String alertReason;
    private Authenticated result;
    /** PEAP: keep the TLS session after the handshake, for phase 2. */
    private final boolean keepTunnel;
    private boolean tunnel;

    TlsConversation(EapTlsServer.Identity identity, EapTlsLimits limits, int type, String peerIdentity,
            long expiresAtNanos) {
        this(identity, limits, type, peerIdentity, expiresAtNanos, false);
    }

    TlsConversation(EapTlsServer.Identity identity, EapTlsLimits limits, int type, String peerIdentity,
            long expiresAtNanos, boolean keepTunnel) {
        this(identity, limits, type, peerIdentity, expiresAtNanos, keepTunnel, System::nanoTime);
    }

    /** @param clock {@link System#nanoTime()} outside tests; what {@code expiresAtNanos} is measured on */
    TlsConversation(EapTlsServer.Identity identity, EapTlsLimits limits, int type, String peerIdentity,
            long expiresAtNanos, boolean keepTunnel, LongSupplier clock) {
        this.keepTunnel = keepTunnel;
        this.clock = clock;
        this.identity = identity;
        this.limits = limits;
        this.type = type;
        this.peerIdentity = peerIdentity;
        this.expiresAtNanos = expiresAtNanos;
    }

    String identity() {
        return peerIdentity;
    }

    /** When the conversation expires unless the peer answers or the pipeline is deciding, on its clock. */
    long expiresAtNanos() {
        return expiresAtNanos;
    }

    boolean expired(long now) {
        return !deciding && expiresAtNanos - now < 0;
    }

    /** PEAP: the pipeline decides on the inner login; however long MFA takes, the conversation stays. */
    void awaitDecision() {
        deciding = true;
    }

    /** The pipeline has decided: the peer gets the usual time from now to answer what the decision sends. */
    void decided() {
        expiresAtNanos = clock.getAsLong() + limits.sessionTimeoutNanos();
        deciding = false;
    }

    /** The EAP-TLS Start (S flag, no data) that opens the conversation. */
    byte[] start(int identifier) {
        lastRequestId = identifier & 0xFF;
        return EapTlsPacket.request(lastRequestId, type, EapTlsPacket.FLAG_START, -1, EMPTY, 0, 0);
    }

    /** The identifier the peer's next response must carry. */
    int expectedIdentifier() {
        return lastRequestId;
    }

    /** One response of the peer. Runs the TLS handshake: call it off the threads that read datagrams. */
    Step receive(EapTlsPacket packet) {
        expiresAtNanos = clock.getAsLong() + limits.sessionTimeoutNanos();
        if (outgoing != null && sent < outgoing.length) {
            return packet.acknowledgement() ? nextFragment()
                    : new Failed("the peer sent data while the server's message was still being fragmented", true);
        }
        if (alertReason != null) {
            return new Failed(alertReason, false);
        }
        if (handshakeDone && !tunnel) {
            if (packet.acknowledgement()) {
                if (!keepTunnel) {
                    releaseEngine();
                }
                tunnel = keepTunnel;
                return result;
            }
            return new Failed("the peer sent TLS data after the handshake instead of an acknowledgement", true);
        }
        if (incoming.size() == 0 && packet.messageLength() > limits.maxMessageSize()) {
            return new Failed("the peer announced a TLS message of " + packet.messageLength() + " octets, more than "
                    + limits.maxMessageSize(), true);
        }
        if (++fragments > limits.maxFragments()) {
            return new Failed("the peer sent more than " + limits.maxFragments() + " fragments", true);
        }
        if (incoming.size() + packet.data().length > limits.maxMessageSize()) {
            return new Failed("the peer's TLS message exceeds " + limits.maxMessageSize() + " octets", true);
        }
        incoming.writeBytes(packet.data());
        if (packet.more()) {
            return send(EapTlsPacket.request(nextId(), type, 0, -1, EMPTY, 0, 0));
        }
        byte[] message = incoming.toByteArray();
        incoming = new ByteArrayOutputStream(); // reset() would keep the grown buffer while the conversation waits
        fragments = 0;
        if (message.length == 0) {
            return new Failed("the peer sent an empty EAP-TLS response where TLS data was expected", true);
        }
        return tunnel ? fromTunnel(message) : handshake(message);
    }

    private Step handshake(byte[] message) {
        try {
            if (protocol == null) {
                server = new EapTlsServer(identity, type);
                protocol = new TlsServerProtocol();
                protocol.accept(server);
            }
            protocol.offerInput(message);
            if (server.keyMaterial() != null && !handshakeDone) {
                handshakeDone = true;
                if (server.tls13()) {
                    // RFC 9190 section 2.1.1: one octet of application data, 0x00: no more handshake messages.
                    protocol.writeApplicationData(new byte[] {0}, 0, 1);
                }
                result = new Authenticated(server.peer(), server.protocol(),
                        Arrays.copyOf(server.keyMaterial(), 64), server.resumed(), server.session());
            }
        } catch (IOException | RuntimeException e) {
            String reason = "TLS handshake failed: " + (server != null && server.refusal() != null ? server.refusal()
                    : describe(e));
            byte[] alert = output();
            releaseEngine();
            if (alert.length == 0) {
                return new Failed(reason, false);
            }
            // RFC 5216 section 2.1.3: the alert goes to the peer, whose acknowledgement ends in EAP-Failure.
            alertReason = reason;
            outgoing = alert;
            sent = 0;
            return nextFragment();
        }
        byte[] output = output();
        if (output.length == 0) {
            if (handshakeDone && result.resumed()) {
                // RFC 5216 section 2.1.2: the peer's Finished ends a resumed handshake; nothing is left to send.
                tunnel = keepTunnel;
                if (!keepTunnel) {
                    releaseEngine();
                }
                return result;
            }
            if (handshakeDone) {
                return new Failed("the TLS handshake completed without a final server message", false);
            }
            // A TLS message split over EAP-TLS messages: BouncyCastle keeps the partial record; ask for more.
            return send(EapTlsPacket.request(nextId(), type, 0, -1, EMPTY, 0, 0));
        }
        outgoing = output;
        sent = 0;
        return nextFragment();
    }

    /** PEAP phase 2: the peer's records decrypted into the inner EAP packet. */
    private Step fromTunnel(byte[] message) {
        try {
            protocol.offerInput(message);
        } catch (IOException | RuntimeException e) {
            return new Failed("the TLS tunnel failed: " + describe(e), false);
        }
        int available = protocol.getAvailableInputBytes();
        if (available == 0) {
            return new Failed("the peer sent no data inside the TLS tunnel", true);
        }
        byte[] inner = new byte[available];
        protocol.readInput(inner, 0, available);
        return new Inner(inner);
    }

    /** PEAP phase 2: sends an inner EAP packet through the tunnel, fragmented as the handshake was. */
    Step sendInner(byte[] innerPacket) {
        try {
            protocol.writeApplicationData(innerPacket, 0, innerPacket.length);
        } catch (IOException | RuntimeException e) {
            return new Failed("the TLS tunnel failed: " + describe(e), false);
        }
        outgoing = output();
        sent = 0;
        return nextFragment();
    }

    /** The identifier of the EAP-Request the next step sends. */
    int nextIdentifier() {
        return (lastRequestId + 1) & 0xFF;
    }

    /** The key material of the finished handshake (PEAP: for the final accept). */
    Authenticated handshakeResult() {
        return result;
    }

    private byte[] output() {
        if (protocol == null) {
            return EMPTY;
        }
        int available = protocol.getAvailableOutputBytes();
        byte[] output = new byte[available];
        protocol.readOutput(output, 0, available);
        return output;
    }

    private Step nextFragment() {
        int remaining = outgoing.length - sent;
        int size = Math.min(remaining, limits.fragmentSize());
        boolean more = size < remaining;
        // RFC 5216 section 2.1.5: the first fragment of a fragmented message carries the total length (L).
        long total = sent == 0 && more ? outgoing.length : -1;
        byte[] packet = EapTlsPacket.request(nextId(), type, more ? EapTlsPacket.FLAG_MORE : 0, total, outgoing,
                sent, sent + size);
        sent += size;
        return send(packet);
    }

    private Step send(byte[] packet) {
        return new Send(packet);
    }

    private int nextId() {
        lastRequestId = (lastRequestId + 1) & 0xFF;
        return lastRequestId;
    }

    /** Frees what a finished or failed handshake no longer needs, so that idle conversations stay small. */
    void releaseEngine() {
        protocol = null;
        server = null;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : e.getMessage() + " (" + message + ")";
    }
}
