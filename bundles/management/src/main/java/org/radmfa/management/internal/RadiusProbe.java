package org.radmfa.management.internal;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A RADIUS client for one test login, as a NAS would send it (RFC 2865, RFC 3579): PAP or CHAP, always with a
 * Message-Authenticator first, from a given source address so that the server takes it for a given client. The
 * answer's Response Authenticator and Message-Authenticator are verified.
 */
public final class RadiusProbe implements Closeable {
    public static final int ACCESS_REQUEST = 1;
    public static final int ACCESS_ACCEPT = 2;
    public static final int ACCESS_REJECT = 3;
    public static final int ACCESS_CHALLENGE = 11;
    private static final int MESSAGE_AUTHENTICATOR = 80;

    /** One attribute of an answer; vendor-specific ones split into vendor id and vendor type. */
    public record Attribute(int type, int vendorId, int vendorType, byte[] value) {
    }

    /** An answer: its code, its attributes, and how long it took. */
    public record Reply(int code, List<Attribute> attributes, long millis) {

        public byte[] first(int type) {
            return attributes.stream().filter(a -> a.type() == type && a.vendorId() == 0).map(Attribute::value)
                    .findFirst().orElse(null);
        }
    }

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final byte[] secret;
    private final SecureRandom random = new SecureRandom();

    public RadiusProbe(InetAddress source, InetSocketAddress server, byte[] secret) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(source, 0));
        this.server = server;
        this.secret = secret.clone();
    }

    /** @param state the State of a challenge being answered, or null */
    public Reply pap(String user, String password, byte[] state, Duration timeout) throws IOException {
        byte[] authenticator = randomBytes(16);
        ByteArrayOutputStream attributes = new ByteArrayOutputStream();
        attribute(attributes, 1, user.getBytes(StandardCharsets.UTF_8));
        attribute(attributes, 2, hide(password.getBytes(StandardCharsets.UTF_8), authenticator));
        if (state != null) {
            attribute(attributes, 24, state);
        }
        return exchange(authenticator, attributes, timeout);
    }

    public Reply chap(String user, String password, Duration timeout) throws IOException {
        byte[] authenticator = randomBytes(16);
        byte[] challenge = randomBytes(16);
        byte chapId = (byte) random.nextInt(256);
        byte[] response = md5(new byte[] {chapId}, password.getBytes(StandardCharsets.UTF_8), challenge);
        byte[] chapPassword = new byte[17];
        chapPassword[0] = chapId;
        System.arraycopy(response, 0, chapPassword, 1, 16);
        ByteArrayOutputStream attributes = new ByteArrayOutputStream();
        attribute(attributes, 1, user.getBytes(StandardCharsets.UTF_8));
        attribute(attributes, 3, chapPassword);
        attribute(attributes, 60, challenge);
        return exchange(authenticator, attributes, timeout);
    }

    /** Sends once and waits for the answer to this request; returns null when none comes in time. */
    private Reply exchange(byte[] authenticator, ByteArrayOutputStream otherAttributes, Duration timeout)
            throws IOException {
        int id = random.nextInt(256);
        attribute(otherAttributes, 32, "radmfa-test-auth".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream attributes = new ByteArrayOutputStream();
        // Message-Authenticator first (BlastRADIUS advice), computed over the packet with it zeroed.
        attribute(attributes, MESSAGE_AUTHENTICATOR, new byte[16]);
        attributes.write(otherAttributes.toByteArray());
        byte[] packet = packet(ACCESS_REQUEST, id, authenticator, attributes.toByteArray());
        System.arraycopy(hmacMd5(packet), 0, packet, 22, 16);
        long started = System.nanoTime();
        socket.send(new DatagramPacket(packet, packet.length, server));
        long deadline = started + timeout.toNanos();
        byte[] buffer = new byte[4096];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            DatagramPacket received = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(received);
            } catch (SocketTimeoutException e) {
                return null;
            }
            byte[] answer = Arrays.copyOf(received.getData(), received.getLength());
            if (answer.length < 20 || (answer[1] & 0xFF) != id) {
                continue;
            }
            verify(answer, authenticator);
            return new Reply(answer[0] & 0xFF, parse(answer), (System.nanoTime() - started) / 1_000_000);
        }
    }

    private void verify(byte[] answer, byte[] requestAuthenticator) throws IOException {
        int length = ((answer[2] & 0xFF) << 8) | (answer[3] & 0xFF);
        if (length != answer.length) {
            throw new IOException("the answer's length field says " + length + ", the datagram has "
                    + answer.length + " octets");
        }
        byte[] check = answer.clone();
        System.arraycopy(requestAuthenticator, 0, check, 4, 16);
        byte[] expected = md5(check, secret);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(answer, 4, 20))) {
            throw new IOException("the answer's Response Authenticator does not verify with the client's secret");
        }
        for (int at = 20; at + 2 <= answer.length;) {
            int type = answer[at] & 0xFF;
            int attributeLength = answer[at + 1] & 0xFF;
            if (attributeLength < 2 || at + attributeLength > answer.length) {
                throw new IOException("the answer has a malformed attribute at offset " + at);
            }
            if (type == MESSAGE_AUTHENTICATOR && attributeLength == 18) {
                byte[] zeroed = check.clone();
                Arrays.fill(zeroed, at + 2, at + 18, (byte) 0);
                if (!MessageDigest.isEqual(hmacMd5(zeroed), Arrays.copyOfRange(answer, at + 2, at + 18))) {
                    throw new IOException("the answer's Message-Authenticator does not verify");
                }
            }
            at += attributeLength;
        }
    }

    private static List<Attribute> parse(byte[] answer) {
        List<Attribute> attributes = new ArrayList<>();
        for (int at = 20; at + 2 <= answer.length;) {
            int type = answer[at] & 0xFF;
            int length = answer[at + 1] & 0xFF;
            byte[] value = Arrays.copyOfRange(answer, at + 2, at + length);
            if (type == 26 && value.length >= 6) {
                int vendor = ((value[0] & 0xFF) << 24) | ((value[1] & 0xFF) << 16) | ((value[2] & 0xFF) << 8)
                        | (value[3] & 0xFF);
                for (int v = 4; v + 2 <= value.length;) {
                    int vendorLength = value[v + 1] & 0xFF;
                    if (vendorLength < 2 || v + vendorLength > value.length) {
                        break;
                    }
                    attributes.add(new Attribute(26, vendor, value[v] & 0xFF,
                            Arrays.copyOfRange(value, v + 2, v + vendorLength)));
                    v += vendorLength;
                }
            } else {
                attributes.add(new Attribute(type, 0, 0, value));
            }
            at += length;
        }
        return attributes;
    }

    private byte[] hide(byte[] password, byte[] authenticator) {
        int blocks = Math.max(1, (password.length + 15) / 16);
        byte[] padded = Arrays.copyOf(password, blocks * 16);
        byte[] result = new byte[padded.length];
        byte[] previous = authenticator;
        for (int block = 0; block < blocks; block++) {
            byte[] key = md5(secret, previous);
            for (int i = 0; i < 16; i++) {
                result[block * 16 + i] = (byte) (padded[block * 16 + i] ^ key[i]);
            }
            previous = Arrays.copyOfRange(result, block * 16, block * 16 + 16);
        }
        return result;
    }

    private static void attribute(ByteArrayOutputStream out, int type, byte[] value) {
        if (value.length > 253) {
            throw new IllegalArgumentException("attribute " + type + " is longer than 253 octets");
        }
        out.write(type);
        out.write(value.length + 2);
        out.writeBytes(value);
    }

    private static byte[] packet(int code, int id, byte[] authenticator, byte[] attributes) {
        int length = 20 + attributes.length;
        byte[] packet = new byte[length];
        packet[0] = (byte) code;
        packet[1] = (byte) id;
        packet[2] = (byte) (length >> 8);
        packet[3] = (byte) length;
        System.arraycopy(authenticator, 0, packet, 4, 16);
        System.arraycopy(attributes, 0, packet, 20, attributes.length);
        return packet;
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] md5(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    private byte[] hmacMd5(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(secret, "HmacMD5"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacMD5 is part of every Java runtime", e);
        }
    }

    @Override
    public void close() {
        socket.close();
        Arrays.fill(secret, (byte) 0);
    }
}
