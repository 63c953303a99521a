package org.radmfa.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A deliberately independent RADIUS client for the tests: it builds PAP Access-Requests byte by byte from RFC 2865
 * and RFC 3579 (no code shared with the server), from a chosen local address, and checks every response's
 * Response Authenticator and Message-Authenticator.
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
            int offset = 20;
            while (offset + 2 <= packet.length) {
                int length = packet[offset + 1] & 0xFF;
                if ((packet[offset] & 0xFF) == type) {
                    return Arrays.copyOfRange(packet, offset + 2, offset + length);
                }
                offset += length;
            }
            return null;
        }

        /** The values of every attribute of this type, in order, as text. */
        java.util.List<String> texts(int type) {
            java.util.List<String> values = new java.util.ArrayList<>();
            int offset = 20;
            while (offset + 2 <= packet.length) {
                int length = packet[offset + 1] & 0xFF;
                if ((packet[offset] & 0xFF) == type) {
                    values.add(new String(packet, offset + 2, length - 2, java.nio.charset.StandardCharsets.UTF_8));
                }
                offset += Math.max(length, 2);
            }
            return values;
        }

        /** The EAP packet: every EAP-Message attribute's value, in order (RFC 3579 section 3.1). */
        byte[] eap() {
            ByteArrayOutputStream eap = new ByteArrayOutputStream();
            int offset = 20;
            while (offset + 2 <= packet.length) {
                int length = packet[offset + 1] & 0xFF;
                if ((packet[offset] & 0xFF) == 79) {
                    eap.write(packet, offset + 2, length - 2);
                }
                offset += Math.max(length, 2);
            }
            return eap.toByteArray();
        }

        /** The value of the first Microsoft (311) vendor attribute of this type, or null. */
        byte[] microsoft(int type) {
            int offset = 20;
            while (offset + 2 <= packet.length) {
                int length = packet[offset + 1] & 0xFF;
                if (packet[offset] == 26 && length > 8 && packet[offset + 5] == 55
                        && (packet[offset + 6] & 0xFF) == type) {
                    return Arrays.copyOfRange(packet, offset + 8, offset + length);
                }
                offset += length;
            }
            return null;
        }

        /** The EAP-Message attributes joined: the EAP packet of the answer, or null. */
        byte[] eapMessage() {
            ByteArrayOutputStream eap = new ByteArrayOutputStream();
            int offset = 20;
            while (offset + 2 <= packet.length) {
                int length = packet[offset + 1] & 0xFF;
                if ((packet[offset] & 0xFF) == 79) {
                    eap.write(packet, offset + 2, length - 2);
                }
                offset += Math.max(length, 2);
            }
            return eap.size() == 0 ? null : eap.toByteArray();
        }

        boolean has(int type) {
            int offset = 20;
            while (offset + 2 <= packet.length) {
                if ((packet[offset] & 0xFF) == type) {
                    return true;
                }
                offset += packet[offset + 1] & 0xFF;
            }
            return false;
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
        int id = nextId++ & 0xFF;
        skipped.remove(id);
        byte[] authenticator = new byte[16];
        random.nextBytes(authenticator);
        ByteArrayOutputStream attributes = new ByteArrayOutputStream();
        attribute(attributes, 1, user.getBytes(StandardCharsets.UTF_8));
        attribute(attributes, 2, hide(password.getBytes(StandardCharsets.UTF_8), secret, authenticator));
        attribute(attributes, 32, "itest".getBytes(StandardCharsets.UTF_8));
        if (state != null) {
            attribute(attributes, 24, state);
        }
        if (callingStationId != null) {
            attribute(attributes, 31, callingStationId.getBytes(StandardCharsets.UTF_8));
        }
        if (macSecret != null) {
            attribute(attributes, 80, new byte[16]);
        }
        byte[] packet = packet(1, id, authenticator, attributes.toByteArray());
        if (macSecret != null) {
            byte[] mac = hmacMd5(macSecret, packet);
            System.arraycopy(mac, 0, packet, packet.length - 16, 16);
        }
        socket.send(new DatagramPacket(packet, packet.length, server));
        return new Sent(id, authenticator, secret, packet);
    }

    /**
     * Sends an EAP step (RFC 3579): the EAP packet cut into EAP-Message attributes of at most 253 octets, the State
     * echoed when not null, and the Message-Authenticator EAP requires.
     */
    Sent sendEap(String user, byte[] eapPacket, byte[] state, String secret) throws IOException {
        int id = nextId++ & 0xFF;
        skipped.remove(id);
        byte[] authenticator = new byte[16];
        random.nextBytes(authenticator);
        ByteArrayOutputStream attributes = new ByteArrayOutputStream();
        attribute(attributes, 1, user.getBytes(StandardCharsets.UTF_8));
        attribute(attributes, 32, "itest".getBytes(StandardCharsets.UTF_8));
        for (int offset = 0; offset < eapPacket.length; offset += 253) {
            attribute(attributes, 79, Arrays.copyOfRange(eapPacket, offset, Math.min(eapPacket.length, offset + 253)));
        }
        if (state != null) {
            attribute(attributes, 24, state);
        }
        attribute(attributes, 80, new byte[16]);
        byte[] packet = packet(1, id, authenticator, attributes.toByteArray());
        System.arraycopy(hmacMd5(secret, packet), 0, packet, packet.length - 16, 16);
        socket.send(new DatagramPacket(packet, packet.length, server));
        return new Sent(id, authenticator, secret, packet);
    }

    /**
     * Sends an MS-CHAPv2 Access-Request (RFC 2548: MS-CHAP-Challenge and MS-CHAP2-Response in Microsoft
     * Vendor-Specific attributes) with a Message-Authenticator.
     */
    Sent sendMsChapV2(String user, int ident, byte[] authenticatorChallenge, byte[] peerChallenge, byte[] ntResponse,
            String secret) throws IOException {
        int id = nextId++ & 0xFF;
        skipped.remove(id);
        byte[] authenticator = new byte[16];
        random.nextBytes(authenticator);
        ByteArrayOutputStream attributes = new ByteArrayOutputStream();
        attribute(attributes, 1, user.getBytes(StandardCharsets.UTF_8));
        attribute(attributes, 26, microsoft(11, authenticatorChallenge));
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.write(ident);
        response.write(0);
        response.writeBytes(peerChallenge);
        response.writeBytes(new byte[8]);
        response.writeBytes(ntResponse);
        attribute(attributes, 26, microsoft(25, response.toByteArray()));
        attribute(attributes, 80, new byte[16]);
        byte[] packet = packet(1, id, authenticator, attributes.toByteArray());
        System.arraycopy(hmacMd5(secret, packet), 0, packet, packet.length - 16, 16);
        socket.send(new DatagramPacket(packet, packet.length, server));
        return new Sent(id, authenticator, secret, packet);
    }

    private static byte[] microsoft(int type, byte[] value) {
        ByteArrayOutputStream vsa = new ByteArrayOutputStream();
        vsa.writeBytes(new byte[] {0, 0, 1, 55});
        attribute(vsa, type, value);
        return vsa.toByteArray();
    }

    /** Reverses the MS-MPPE key hiding of RFC 2548 section 2.4.2 with the request's authenticator. */
    static byte[] unhideMppeKey(byte[] hidden, Sent sent) {
        byte[] plain = new byte[hidden.length - 2];
        byte[] mask = md5(sent.secret().getBytes(StandardCharsets.UTF_8),
                concat(sent.authenticator(), Arrays.copyOfRange(hidden, 0, 2)));
        for (int block = 0; block < plain.length; block += 16) {
            for (int i = 0; i < 16; i++) {
                plain[block + i] = (byte) (hidden[2 + block + i] ^ mask[i]);
            }
            mask = md5(sent.secret().getBytes(StandardCharsets.UTF_8),
                    Arrays.copyOfRange(hidden, 2 + block, 18 + block));
        }
        return Arrays.copyOfRange(plain, 1, 1 + plain[0]);
    }

    /** Whether identifier {@code id} was sent before {@code current} on this socket (identifiers wrap at 256). */
    private static boolean isEarlier(int id, int current) {
        int behind = (current - id) & 0xFF;
        return behind > 0 && behind < 128;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] result = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, result, first.length, second.length);
        return result;
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
        byte[] check = response.clone();
        System.arraycopy(sent.authenticator(), 0, check, 4, 16);
        if (!Arrays.equals(md5(check, sent.secret().getBytes(StandardCharsets.UTF_8)),
                Arrays.copyOfRange(response, 4, 20))) {
            throw new AssertionError("Response Authenticator does not verify");
        }
        if ((response[20] & 0xFF) != 80 || (response[21] & 0xFF) != 18) {
            throw new AssertionError("Message-Authenticator is not the first attribute");
        }
        byte[] mac = Arrays.copyOfRange(response, 22, 38);
        Arrays.fill(check, 22, 38, (byte) 0);
        if (!Arrays.equals(mac, hmacMd5(sent.secret(), check))) {
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

    private static void attribute(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        out.write(value.length + 2);
        out.writeBytes(value);
    }

    private static byte[] packet(int code, int id, byte[] authenticator, byte[] attributes) {
        byte[] packet = new byte[20 + attributes.length];
        packet[0] = (byte) code;
        packet[1] = (byte) id;
        packet[2] = (byte) (packet.length >> 8);
        packet[3] = (byte) packet.length;
        System.arraycopy(authenticator, 0, packet, 4, 16);
        System.arraycopy(attributes, 0, packet, 20, attributes.length);
        return packet;
    }

    /** RFC 2865 section 5.2: c(i) = p(i) xor MD5(S + c(i-1)), c(0) = Request Authenticator. */
    private static byte[] hide(byte[] password, String secret, byte[] authenticator) {
        byte[] padded = Arrays.copyOf(password, Math.max(16, (password.length + 15) / 16 * 16));
        byte[] previous = authenticator;
        for (int block = 0; block < padded.length; block += 16) {
            byte[] mask = md5(secret.getBytes(StandardCharsets.UTF_8), previous);
            for (int i = 0; i < 16; i++) {
                padded[block + i] ^= mask[i];
            }
            previous = Arrays.copyOfRange(padded, block, block + 16);
        }
        return padded;
    }

    private static byte[] md5(byte[] first, byte[] second) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(first);
            md5.update(second);
            return md5.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmacMd5(String key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
