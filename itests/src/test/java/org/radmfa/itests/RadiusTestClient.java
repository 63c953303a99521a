package org.radmfa.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

import org.radmfa.radius.codec.AttributeType;
import org.radmfa.radius.codec.MalformedPacketException;
import org.radmfa.radius.codec.PacketBuilder;
import org.radmfa.radius.codec.PacketCode;
import org.radmfa.radius.codec.RadiusCrypto;
import org.radmfa.radius.codec.RadiusPacket;
import org.radmfa.radius.codec.Verification;

/**
 * A deliberately independent RADIUS client for the tests: its packets are the radius-codec module's, written from
 * RFC 2865 and RFC 3579 with no code shared with the server (which uses TinyRadius); it sends from a chosen local
 * address and checks every response's Response Authenticator and Message-Authenticator.
 */
final class RadiusTestClient implements AutoCloseable {
    static final int ACCESS_ACCEPT = 2;
    static final int ACCESS_REJECT = 3;
    static final int ACCESS_CHALLENGE = 11;

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final SecureRandom random = new SecureRandom();
    private int nextId;
    /** Answers that arrived while another request's answer was awaited, by identifier. */
    private final java.util.Map<Integer, byte[]> skipped = new java.util.HashMap<>();

    RadiusTestClient(String localAddress, int serverPort) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(localAddress, 0));
        this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
    }

    /**
     * Connects the socket to the server: a port that is not open yet then shows at once, as a
     * {@link java.net.PortUnreachableException} from the next send or receive (the kernel's ICMP port unreachable).
     */
    RadiusTestClient connected() throws IOException {
        socket.connect(server);
        return this;
    }

    /** A sent request, kept to verify its response (and to retransmit it as it was). */
    record Sent(int id, byte[] authenticator, String secret, byte[] packet) {
    }

    /** Sends the very same datagram again, as a NAS retransmits a request it got no answer to yet. */
    void retransmit(Sent sent) throws IOException {
        socket.send(new DatagramPacket(sent.packet(), sent.packet().length, server));
    }

    /** A verified response. */
    record Response(int code, byte[] packet) {
        /** The value of the first attribute of this type, or null. */
        byte[] attribute(int type) {
            return read().first(type);
        }

        /** The values of every attribute of this type, in order, as text. */
        java.util.List<String> texts(int type) {
            return read().texts(type);
        }

        /** The EAP packet: every EAP-Message attribute's value, in order (RFC 3579 section 3.1). */
        byte[] eap() {
            byte[] eap = eapMessage();
            return eap == null ? new byte[0] : eap;
        }

        /** The value of the first Microsoft (311) vendor attribute of this type, or null. */
        byte[] microsoft(int type) {
            return read().vendor(AttributeType.VENDOR_MICROSOFT, type);
        }

        /** The EAP-Message attributes joined: the EAP packet of the answer, or null. */
        byte[] eapMessage() {
            return read().joined(AttributeType.EAP_MESSAGE);
        }

        boolean has(int type) {
            return read().has(type);
        }

        private RadiusPacket read() {
            try {
                return RadiusPacket.decode(packet, packet.length);
            } catch (MalformedPacketException e) {
                throw new AssertionError("a verified response does not decode: " + e.getMessage(), e);
            }
        }
    }

    /** Sends a PAP Access-Request; a Message-Authenticator made with {@code macSecret} is added when not null. */
    Sent sendPap(String user, String password, String secret, String macSecret) throws IOException {
        return sendPap(user, password, secret, macSecret, null);
    }

    /** As {@link #sendPap(String, String, String, String)}, echoing an Access-Challenge's State when not null. */
    Sent sendPap(String user, String password, String secret, String macSecret, byte[] state) throws IOException {
        return sendPap(user, password, secret, macSecret, state, null);
    }

    /** As above, with a Calling-Station-Id (the VPN client's address) when not null. */
    Sent sendPap(String user, String password, String secret, String macSecret, byte[] state,
            String callingStationId) throws IOException {
        PacketBuilder request = start(secret);
        request.add(AttributeType.USER_NAME, user)
                .addUserPassword(password.getBytes(StandardCharsets.UTF_8), crypto(secret))
                .add(AttributeType.NAS_IDENTIFIER, "itest");
        if (state != null) {
            request.add(AttributeType.STATE, state);
        }
        if (callingStationId != null) {
            request.add(AttributeType.CALLING_STATION_ID, callingStationId);
        }
        if (macSecret == null) {
            return send(request.build(), secret);
        }
        return send(request.addMessageAuthenticator().build(crypto(macSecret)), secret);
    }

    /**
     * Sends an EAP step (RFC 3579): the EAP packet cut into EAP-Message attributes of at most 253 octets, the State
     * echoed when not null, and the Message-Authenticator EAP requires.
     */
    Sent sendEap(String user, byte[] eapPacket, byte[] state, String secret) throws IOException {
        PacketBuilder request = start(secret).add(AttributeType.USER_NAME, user)
                .add(AttributeType.NAS_IDENTIFIER, "itest")
                .addEapMessage(eapPacket);
        if (state != null) {
            request.add(AttributeType.STATE, state);
        }
        return send(request.addMessageAuthenticator().build(crypto(secret)), secret);
    }

    /**
     * Sends an MS-CHAPv2 Access-Request (RFC 2548: MS-CHAP-Challenge and MS-CHAP2-Response in Microsoft
     * Vendor-Specific attributes) with a Message-Authenticator.
     */
    Sent sendMsChapV2(String user, int ident, byte[] authenticatorChallenge, byte[] peerChallenge, byte[] ntResponse,
            String secret) throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.write(ident);
        response.write(0);
        response.writeBytes(peerChallenge);
        response.writeBytes(new byte[8]);
        response.writeBytes(ntResponse);
        byte[] packet = start(secret).add(AttributeType.USER_NAME, user)
                .addVendorSpecific(AttributeType.VENDOR_MICROSOFT, 11, authenticatorChallenge)
                .addVendorSpecific(AttributeType.VENDOR_MICROSOFT, 25, response.toByteArray())
                .addMessageAuthenticator()
                .build(crypto(secret));
        return send(packet, secret);
    }

    /** Reverses the MS-MPPE key hiding of RFC 2548 section 2.4.2 with the request's authenticator. */
    static byte[] unhideMppeKey(byte[] hidden, Sent sent) {
        return crypto(sent.secret()).unhideMppeKey(hidden, sent.authenticator());
    }

    /** A request with the next identifier and a fresh random Request Authenticator. */
    private PacketBuilder start(String secret) {
        int id = nextId++ & 0xFF;
        skipped.remove(id);
        byte[] authenticator = new byte[16];
        random.nextBytes(authenticator);
        return new PacketBuilder(PacketCode.ACCESS_REQUEST, id, authenticator);
    }

    private Sent send(byte[] packet, String secret) throws IOException {
        socket.send(new DatagramPacket(packet, packet.length, server));
        return new Sent(packet[1] & 0xFF, Arrays.copyOfRange(packet, 4, 20), secret, packet);
    }

    /** One per use: RadiusCrypto is not shared between threads, and tests may send from several. */
    private static RadiusCrypto crypto(String secret) {
        return new RadiusCrypto(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether identifier {@code id} was sent before {@code current} on this socket (identifiers wrap at 256). */
    private static boolean isEarlier(int id, int current) {
        int behind = (current - id) & 0xFF;
        return behind > 0 && behind < 128;
    }

    /**
     * The answer to this request, verified against it; null when none arrives within the timeout. A late answer to
     * an earlier request of this socket (one that timed out on a loaded machine) is skipped.
     */
    Response receive(Sent sent, int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        byte[] response = skipped.remove(sent.id());
        while (response == null || (response[1] & 0xFF) != sent.id() && isEarlier(response[1] & 0xFF, sent.id())) {
            if (response != null) {
                // Kept, so that asking for that request's answer later still finds it.
                skipped.put(response[1] & 0xFF, response);
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) left);
            DatagramPacket datagram = new DatagramPacket(new byte[4096], 4096);
            try {
                socket.receive(datagram);
            } catch (SocketTimeoutException e) {
                return null;
            }
            response = Arrays.copyOf(datagram.getData(), datagram.getLength());
        }
        if ((response[1] & 0xFF) != sent.id()) {
            throw new AssertionError("response to identifier " + (response[1] & 0xFF) + ", expected " + sent.id());
        }
        Verification verification = crypto(sent.secret()).verifyResponse(response, response.length,
                sent.authenticator());
        if (verification == Verification.BAD_RESPONSE_AUTHENTICATOR || verification == Verification.MALFORMED) {
            throw new AssertionError("response to identifier " + sent.id() + ": " + verification.description());
        }
        if (response.length < 22 || (response[20] & 0xFF) != AttributeType.MESSAGE_AUTHENTICATOR
                || (response[21] & 0xFF) != 18) {
            throw new AssertionError("Message-Authenticator is not the first attribute");
        }
        if (verification != Verification.VALID_WITH_MESSAGE_AUTHENTICATOR) {
            throw new AssertionError("Message-Authenticator of the response does not verify");
        }
        return new Response(response[0] & 0xFF, response);
    }

    /**
     * The next answer to any of these requests, verified against it and removed from the map; null when none
     * arrives within the timeout. For requests sent at once, some of which the server may drop.
     */
    Response receiveAny(java.util.Map<Integer, Sent> outstanding, int timeoutMillis) throws IOException {
        for (Integer id : outstanding.keySet()) {
            if (skipped.containsKey(id)) {
                // It came while another request's answer was awaited.
                return receive(outstanding.remove(id), 1);
            }
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) left);
            DatagramPacket datagram = new DatagramPacket(new byte[4096], 4096);
            try {
                socket.receive(datagram);
            } catch (SocketTimeoutException e) {
                return null;
            }
            Sent sent = outstanding.remove(datagram.getData()[1] & 0xFF);
            if (sent != null) {
                skipped.put(sent.id(), Arrays.copyOf(datagram.getData(), datagram.getLength()));
                return receive(sent, 1);
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
