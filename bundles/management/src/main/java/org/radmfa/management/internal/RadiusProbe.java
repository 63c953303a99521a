package org.radmfa.management.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.radmfa.radius.codec.AttributeType;
import org.radmfa.radius.codec.PacketBuilder;
import org.radmfa.radius.codec.PacketCode;
import org.radmfa.radius.codec.RadiusCrypto;
import org.radmfa.radius.codec.RadiusPacket;
import org.radmfa.radius.codec.Verification;

/**
 * A RADIUS client for one test login, as a NAS would send it (RFC 2865, RFC 3579): PAP or CHAP, always with a
 * Message-Authenticator first, from a given source address so that the server takes it for a given client. The
 * answer's Response Authenticator and Message-Authenticator are verified. Packets are the radius-codec bundle's.
 */
public final class RadiusProbe implements Closeable {
    public static final int ACCESS_REQUEST = PacketCode.ACCESS_REQUEST;
    public static final int ACCESS_ACCEPT = PacketCode.ACCESS_ACCEPT;
    public static final int ACCESS_REJECT = PacketCode.ACCESS_REJECT;
    public static final int ACCESS_CHALLENGE = PacketCode.ACCESS_CHALLENGE;

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
    private final RadiusCrypto crypto;
    private final SecureRandom random = new SecureRandom();

    public RadiusProbe(InetAddress source, InetSocketAddress server, byte[] secret) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(source, 0));
        this.server = server;
        this.crypto = new RadiusCrypto(secret);
    }

    /** @param state the State of a challenge being answered, or null */
    public Reply pap(String user, String password, byte[] state, Duration timeout) throws IOException {
        byte[] authenticator = randomBytes(16);
        int id = random.nextInt(256);
        PacketBuilder request = start(id, authenticator, user)
                .addUserPassword(password.getBytes(StandardCharsets.UTF_8), crypto);
        if (state != null) {
            request.add(AttributeType.STATE, state);
        }
        return exchange(request, id, authenticator, timeout);
    }

    public Reply chap(String user, String password, Duration timeout) throws IOException {
        byte[] authenticator = randomBytes(16);
        int id = random.nextInt(256);
        byte[] challenge = randomBytes(16);
        PacketBuilder request = start(id, authenticator, user)
                .addChapPassword(random.nextInt(256), password.getBytes(StandardCharsets.UTF_8), challenge)
                .add(AttributeType.CHAP_CHALLENGE, challenge);
        return exchange(request, id, authenticator, timeout);
    }

    /** Message-Authenticator first (BlastRADIUS advice), then User-Name. */
    private static PacketBuilder start(int id, byte[] authenticator, String user) {
        return new PacketBuilder(PacketCode.ACCESS_REQUEST, id, authenticator).addMessageAuthenticator()
                .add(AttributeType.USER_NAME, user);
    }

    /** Sends once and waits for the answer to this request; returns null when none comes in time. */
    private Reply exchange(PacketBuilder request, int id, byte[] authenticator, Duration timeout) throws IOException {
        byte[] packet = request.add(AttributeType.NAS_IDENTIFIER, "radmfa-test-auth").build(crypto);
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
            int length = received.getLength();
            if (length < 20 || (buffer[1] & 0xFF) != id) {
                continue;
            }
            RadiusPacket answer = verified(buffer, length, authenticator);
            return new Reply(answer.code(), attributes(answer), (System.nanoTime() - started) / 1_000_000);
        }
    }

    private RadiusPacket verified(byte[] buffer, int received, byte[] requestAuthenticator) throws IOException {
        int length = ((buffer[2] & 0xFF) << 8) | (buffer[3] & 0xFF);
        if (length != received) {
            throw new IOException("the answer's length field says " + length + ", the datagram has " + received
                    + " octets");
        }
        Verification verification = crypto.verifyResponse(buffer, received, requestAuthenticator);
        if (!verification.valid()) {
            throw new IOException("the answer does not verify with the client's secret: "
                    + verification.description());
        }
        return RadiusPacket.decode(buffer, received);
    }

    /** The answer's attributes in order, each well-formed Vendor-Specific one replaced by the ones it holds. */
    private static List<Attribute> attributes(RadiusPacket answer) {
        List<Attribute> attributes = new ArrayList<>();
        for (RadiusPacket.Attribute attribute : answer.attributes()) {
            List<RadiusPacket.VendorAttribute> inside = attribute.vendorAttributes();
            if (inside.isEmpty()) {
                attributes.add(new Attribute(attribute.type(), 0, 0, attribute.value()));
            }
            for (RadiusPacket.VendorAttribute vendor : inside) {
                attributes.add(new Attribute(AttributeType.VENDOR_SPECIFIC, vendor.vendorId(), vendor.type(),
                        vendor.value()));
            }
        }
        return attributes;
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        socket.close();
        crypto.destroy();
    }
}
