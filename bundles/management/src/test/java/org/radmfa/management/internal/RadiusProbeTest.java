package org.radmfa.management.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tinyradius.attribute.RadiusAttribute;
import org.tinyradius.attribute.VendorSpecificAttribute;
import org.tinyradius.packet.AccessRequest;
import org.tinyradius.packet.RadiusPacket;

/**
 * The test-auth probe over real UDP on loopback against a server made of TinyRadius, the library the appliance's
 * transport uses: PAP and CHAP as TinyRadius reads them, the Message-Authenticator the probe puts first, answers
 * read (vendor attributes split), a challenge answered with its State, and answers that do not verify refused.
 */
class RadiusProbeTest {
    private static final String SECRET = "probe-secret";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private DatagramSocket server;

    @BeforeEach
    void open() throws IOException {
        server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void papLoginIsReadByTinyRadiusAndItsAcceptIsVerifiedAndRead() throws Exception {
        CompletableFuture<byte[]> request = answerOnce(SECRET, read -> {
            RadiusPacket accept = new RadiusPacket(RadiusPacket.ACCESS_ACCEPT, read.getPacketIdentifier());
            if ("alice".equals(((AccessRequest) read).getUserName()) && "correct horse battery staple".equals(
                    ((AccessRequest) read).getUserPassword())) {
                accept.addAttribute(new RadiusAttribute(18, "welcome".getBytes(StandardCharsets.UTF_8)));
                VendorSpecificAttribute microsoft = new VendorSpecificAttribute(311);
                RadiusAttribute mppe = new RadiusAttribute(16, new byte[] {1, 2, 3});
                mppe.setVendorId(311);
                microsoft.addSubAttribute(mppe);
                accept.addAttribute(microsoft);
                return accept;
            }
            return new RadiusPacket(RadiusPacket.ACCESS_REJECT, read.getPacketIdentifier());
        });

        RadiusProbe.Reply reply;
        try (RadiusProbe probe = probe()) {
            reply = probe.pap("alice", "correct horse battery staple", null, TIMEOUT);
        }

        assertNotNull(reply, () -> "no answer; the server: " + request.handle((r, e) -> String.valueOf(e)).join());
        assertEquals(RadiusProbe.ACCESS_ACCEPT, reply.code());
        assertArrayEquals("welcome".getBytes(StandardCharsets.UTF_8), reply.first(18));
        RadiusProbe.Attribute vendor = reply.attributes().get(1);
        assertEquals(List.of(26, 311, 16), List.of(vendor.type(), vendor.vendorId(), vendor.vendorType()));
        assertArrayEquals(new byte[] {1, 2, 3}, vendor.value());
        assertMessageAuthenticatorFirst(request.get(30, TimeUnit.SECONDS));
    }

    @Test
    void chapLoginIsVerifiedByTinyRadius() throws Exception {
        answerOnce(SECRET, read -> new RadiusPacket(verify((AccessRequest) read, "chap-password")
                ? RadiusPacket.ACCESS_ACCEPT : RadiusPacket.ACCESS_REJECT, read.getPacketIdentifier()));

        try (RadiusProbe probe = probe()) {
            assertEquals(RadiusProbe.ACCESS_ACCEPT, probe.chap("bob", "chap-password", TIMEOUT).code());
        }
        answerOnce(SECRET, read -> new RadiusPacket(verify((AccessRequest) read, "chap-password")
                ? RadiusPacket.ACCESS_ACCEPT : RadiusPacket.ACCESS_REJECT, read.getPacketIdentifier()));
        try (RadiusProbe probe = probe()) {
            assertEquals(RadiusProbe.ACCESS_REJECT, probe.chap("bob", "wrong", TIMEOUT).code());
        }
    }

    @Test
    void aChallengeIsAnsweredWithItsState() throws Exception {
        byte[] state = "state-42".getBytes(StandardCharsets.UTF_8);
        answerOnce(SECRET, read -> {
            RadiusPacket challenge = new RadiusPacket(RadiusPacket.ACCESS_CHALLENGE, read.getPacketIdentifier());
            challenge.addAttribute(new RadiusAttribute(24, state));
            return challenge;
        });
        try (RadiusProbe probe = probe()) {
            RadiusProbe.Reply challenge = probe.pap("carol", "pw", null, TIMEOUT);
            assertEquals(RadiusProbe.ACCESS_CHALLENGE, challenge.code());

            answerOnce(SECRET, read -> new RadiusPacket(Arrays.equals(state, read.getAttribute(24).getAttributeData())
                    && "123456".equals(((AccessRequest) read).getUserPassword()) ? RadiusPacket.ACCESS_ACCEPT
                            : RadiusPacket.ACCESS_REJECT, read.getPacketIdentifier()));
            assertEquals(RadiusProbe.ACCESS_ACCEPT, probe.pap("carol", "123456", challenge.first(24), TIMEOUT).code());
        }
    }

    @Test
    void anAnswerSignedWithAnotherSecretIsRefused() throws Exception {
        answerOnce("not-the-secret", read -> new RadiusPacket(RadiusPacket.ACCESS_ACCEPT, read.getPacketIdentifier()));

        try (RadiusProbe probe = probe()) {
            IOException refused = assertThrows(IOException.class, () -> probe.pap("alice", "pw", null, TIMEOUT));
            assertTrue(refused.getMessage().contains("Response Authenticator"), refused.getMessage());
        }
    }

    @Test
    void noAnswerIsNull() throws Exception {
        try (RadiusProbe probe = probe()) {
            assertNull(probe.pap("alice", "pw", null, Duration.ofMillis(300)));
        }
    }

    private RadiusProbe probe() throws IOException {
        return new RadiusProbe(InetAddress.getLoopbackAddress(), (InetSocketAddress) server.getLocalSocketAddress(),
                SECRET.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers the next request as {@code answer} says, encoded by TinyRadius with {@code secret}; its octets. */
    private CompletableFuture<byte[]> answerOnce(String secret, Function<RadiusPacket, RadiusPacket> answer) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                DatagramPacket datagram = new DatagramPacket(new byte[4096], 4096);
                server.receive(datagram);
                byte[] request = Arrays.copyOf(datagram.getData(), datagram.getLength());
                RadiusPacket read = RadiusPacket.decodeRequestPacket(new ByteArrayInputStream(request), SECRET);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                answer.apply(read).encodeResponsePacket(out, secret, read);
                server.send(new DatagramPacket(out.toByteArray(), out.size(), datagram.getSocketAddress()));
                return request;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static boolean verify(AccessRequest request, String password) {
        try {
            return AccessRequest.AUTH_CHAP.equals(request.getAuthProtocol()) && request.verifyPassword(password);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertMessageAuthenticatorFirst(byte[] request) throws Exception {
        assertEquals(80, request[20]);
        assertEquals(18, request[21]);
        byte[] zeroed = request.clone();
        Arrays.fill(zeroed, 22, 38, (byte) 0);
        Mac mac = Mac.getInstance("HmacMD5");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
        assertArrayEquals(mac.doFinal(zeroed), Arrays.copyOfRange(request, 22, 38));
    }
}
