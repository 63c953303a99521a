package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.Decision;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.SharedSecret;
import org.tinyradius.packet.AccessRequest;
import org.tinyradius.packet.AccountingRequest;

/** A flood of mutated and random datagrams, and a burst of concurrent logins, over real loopback sockets. */
class HostileInputTest {
    private static final String SECRET = "fuzz-secret";
    /** Does not require Message-Authenticator, so that mutated packets reach the decoder and the pipeline. */
    private static final RadiusClient LOOPBACK =
            new RadiusClient("loopback", "127.0.0.1", SharedSecret.of(SECRET), null, false);

    private RadiusServer server;
    private InetSocketAddress auth;
    private InetSocketAddress acct;

    @BeforeEach
    void start() throws Exception {
        ClientRegistry registry = new ClientRegistry() {
            @Override
            public Optional<RadiusClient> find(InetAddress source) {
                return source.getHostAddress().equals("127.0.0.1") ? Optional.of(LOOPBACK) : Optional.empty();
            }

            @Override
            public List<RadiusClient> clients() {
                return List.of(LOOPBACK);
            }
        };
        server = new RadiusServer(registry, request -> CompletableFuture.completedFuture(
                request.credentials() instanceof PapCredentials pap && pap.password().equals("right-" + request.userName())
                        ? new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "ok", "P", List.of(), List.of())
                        : Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "no", List.of())), List.of());
        server.configure(Map.of("authPort", "0", "acctPort", "0", "listenAddresses", "127.0.0.1",
                "rateLimitPerClient", "0"));
        auth = server.boundAddresses().get(0);
        acct = server.boundAddresses().get(1);
    }

    @AfterEach
    void stop() {
        server.deactivate();
    }

    private static byte[] papRequest(int id, String user, String password) throws Exception {
        AccessRequest request = new AccessRequest(user, password);
        request.setPacketIdentifier(id);
        request.addAttribute("NAS-Identifier", "fuzz");
        request.addAttribute("Calling-Station-Id", "00-11-22-33-44-55");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        return out.toByteArray();
    }

    private static byte[] signed(byte[] packet) {
        byte[] result = Arrays.copyOf(packet, packet.length + 18);
        result[packet.length] = 80;
        result[packet.length + 1] = 18;
        result[2] = (byte) (result.length >> 8);
        result[3] = (byte) result.length;
        System.arraycopy(RadiusWire.hmacMd5(SECRET.getBytes(StandardCharsets.UTF_8), result), 0, result,
                packet.length + 2, 16);
        return result;
    }

    private static byte[] mutate(byte[] base, Random random) {
        byte[] packet = base.clone();
        switch (random.nextInt(7)) {
            case 0 -> {
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    packet[random.nextInt(packet.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> packet = Arrays.copyOf(packet, random.nextInt(packet.length));
            case 2 -> {
                packet = Arrays.copyOf(packet, packet.length + 1 + random.nextInt(300));
                for (int i = base.length; i < packet.length; i++) {
                    packet[i] = (byte) random.nextInt(256);
                }
            }
            case 3 -> {
                packet[2] = (byte) random.nextInt(256);
                packet[3] = (byte) random.nextInt(256);
            }
            case 4 -> packet[21 + random.nextInt(Math.max(1, packet.length - 21))] = (byte) random.nextInt(3);
            case 5 -> packet[0] = (byte) random.nextInt(256);
            default -> {
                packet = new byte[random.nextInt(5000)];
                random.nextBytes(packet);
            }
        }
        return packet;
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Test
    void aHundredThousandHostileDatagramsLeaveTheServerAnsweringAndItsMemoryBounded() throws Exception {
        List<byte[]> bases = List.of(papRequest(1, "alice", "right-alice"), signed(papRequest(2, "bob", "x")),
                accountingRequest(), statusServer(), eapIdentity(), eapTlsFragment(), msChapV2WithVendorAttributes());
        long heapBefore = usedHeapAfterGc();
        Random random = new Random(20261125L);
        int sent = 0;
        try (DatagramSocket flood = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            flood.setSoTimeout(10_000);
            // No bound on the whole flood: a busy machine only makes it slower. Each paced step still fails by itself
            // (the socket's timeout) when the server stops answering.
            while (sent < 100_000) {
                byte[] packet = mutate(bases.get(random.nextInt(bases.size())), random);
                flood.send(new DatagramPacket(packet, packet.length, auth));
                byte[] again = mutate(bases.get(random.nextInt(bases.size())), random);
                flood.send(new DatagramPacket(again, again.length, acct));
                sent += 2;
                if (sent % 500 == 0) {
                    // Pace the flood so that the server reads every datagram instead of the kernel dropping them:
                    // a Status-Server on each port is answered after everything sent before it.
                    awaitStatusAnswer(flood, auth, sent / 500);
                    awaitStatusAnswer(flood, acct, sent / 500);
                }
            }
        }
        // Whatever is still queued is read before our request on the same listener; a fresh socket sees only ours.
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(30_000);
            byte[] request = signed(papRequest(99, "carol", "right-carol"));
            client.send(new DatagramPacket(request, request.length, auth));
            DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
            client.receive(answer);
            assertEquals(RadiusWire.ACCESS_ACCEPT, answer.getData()[0]);
            assertEquals(99, answer.getData()[1]);
        }
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            drops.put(reason, server.counters().drops("loopback", reason));
        }
        long answered = server.counters().answers("loopback", Decision.Outcome.ACCEPT)
                + server.counters().answers("loopback", Decision.Outcome.REJECT);
        System.out.printf("fuzz: %d datagrams sent, %d answered, drops %s%n", sent, answered, drops);
        long handled = server.counters().requests("loopback") + server.counters().duplicates("loopback")
                + drops.values().stream().mapToLong(Long::longValue).sum();
        // Every datagram is exactly one of: dropped, decided, or a retransmit; plus the pacing Status-Servers and
        // the final login.
        assertEquals(sent + 2L * (sent / 500) + 1, handled, "datagrams read and accounted for");
        assertTrue(drops.get(DropReason.MALFORMED_ATTRIBUTE) > 0 && drops.get(DropReason.LENGTH_MISMATCH) > 0
                && drops.get(DropReason.TOO_LONG) > 0 && drops.get(DropReason.TRUNCATED) > 0, drops.toString());
        long growth = usedHeapAfterGc() - heapBefore;
        System.out.printf("fuzz: heap growth after GC %.1f MiB%n", growth / 1048576.0);
        assertTrue(growth < 64L * 1024 * 1024, "heap grew by " + growth + " bytes");
    }

    /** Sends a Status-Server with this identifier and reads answers until its own arrives. */
    private static void awaitStatusAnswer(DatagramSocket socket, InetSocketAddress to, int id) throws Exception {
        byte[] status = new byte[20];
        status[0] = RadiusWire.STATUS_SERVER;
        status[1] = (byte) id;
        status[3] = 20;
        status[4] = (byte) 0xA5;
        byte[] request = signed(status);
        socket.send(new DatagramPacket(request, request.length, to));
        for (int i = 0; i < 2000; i++) {
            DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
            socket.receive(answer);
            if (answer.getLength() >= 20 && (answer.getData()[1] & 0xFF) == (id & 0xFF)
                    && (answer.getData()[0] == RadiusWire.ACCESS_ACCEPT
                            || answer.getData()[0] == RadiusWire.ACCOUNTING_RESPONSE)
                    && answer.getLength() == 38) {
                return;
            }
        }
        throw new AssertionError("no answer to Status-Server " + id);
    }

    private static byte[] eapIdentity() throws Exception {
        AccessRequest request = new AccessRequest();
        request.setUserName("alice");
        request.addAttribute(new org.tinyradius.attribute.RadiusAttribute(79,
                new byte[] {2, 1, 0, 10, 1, 'a', 'l', 'i', 'c', 'e'}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        return signed(out.toByteArray());
    }

    /**
     * An EAP-TLS fragment (L and M flags, a TLS Message Length, a TLS record header) echoing the State of a
     * conversation: mutated, its flags, lengths and State reach the EAP engine.
     */
    private static byte[] eapTlsFragment() throws Exception {
        AccessRequest request = new AccessRequest();
        request.setUserName("alice");
        byte[] fragment = new byte[200];
        byte[] header = {2, 7, 0, (byte) 200, 13, (byte) 0xC0, 0, 0, 0x40, 0, 0x16, 3, 3};
        System.arraycopy(header, 0, fragment, 0, header.length);
        request.addAttribute(new org.tinyradius.attribute.RadiusAttribute(79, fragment));
        request.addAttribute(new org.tinyradius.attribute.RadiusAttribute(24, "0123456789abcdef".getBytes(
                StandardCharsets.US_ASCII)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        return signed(out.toByteArray());
    }

    /**
     * MS-CHAPv2 as an RRAS-style gateway sends it: Microsoft Vendor-Specifics, one with two sub-attributes. Mutated,
     * their sub-attribute lengths reach the decoder (a length of 0 once stalled TinyRadius's).
     */
    private static byte[] msChapV2WithVendorAttributes() throws Exception {
        AccessRequest request = new AccessRequest();
        request.setUserName("alice");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        byte[] response = new byte[50];
        response[0] = 1;
        return RequestDecoderTest.appended(out.toByteArray(), "1a18" + "00000137" + "0b12" + "5a".repeat(16)
                + "1a3a" + "00000137" + "1934" + HexFormat.of().formatHex(response)
                + "1a12" + "00000137" + "0906" + "00000137" + "0a06" + "00000002");
    }

    private static byte[] accountingRequest() throws Exception {
        AccountingRequest request = new AccountingRequest("alice", AccountingRequest.ACCT_STATUS_TYPE_START);
        request.addAttribute("Acct-Session-Id", "fuzz-session");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        return out.toByteArray();
    }

    private static byte[] statusServer() {
        byte[] status = new byte[20];
        status[0] = RadiusWire.STATUS_SERVER;
        status[3] = 20;
        return signed(status);
    }

    @Test
    void twoThousandConcurrentLoginsFromEightSocketsAreEachAnsweredCorrectly() throws Exception {
        int sockets = 8;
        int perSocket = 250;
        DatagramSocket[] clients = new DatagramSocket[sockets];
        byte[][][] requests = new byte[sockets][perSocket][];
        try {
            for (int s = 0; s < sockets; s++) {
                clients[s] = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                clients[s].setReceiveBufferSize(1 << 20);
                clients[s].setSoTimeout(10_000);
            }
            // Send everything first, so that all 2,000 are outstanding at once.
            for (int i = 0; i < perSocket; i++) {
                for (int s = 0; s < sockets; s++) {
                    String user = "user" + s + "-" + i;
                    String password = i % 5 == 0 ? "wrong" : "right-" + user;
                    requests[s][i] = signed(papRequest(i, user, password));
                    clients[s].send(new DatagramPacket(requests[s][i], requests[s][i].length, auth));
                }
            }
            int accepts = 0;
            int rejects = 0;
            for (int s = 0; s < sockets; s++) {
                boolean[] seen = new boolean[perSocket];
                for (int n = 0; n < perSocket; n++) {
                    DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
                    clients[s].receive(answer);
                    byte[] response = Arrays.copyOf(answer.getData(), answer.getLength());
                    int id = response[1] & 0xFF;
                    byte[] request = requests[s][id];
                    byte[] check = response.clone();
                    System.arraycopy(request, 4, check, 4, 16);
                    MessageDigest md5 = MessageDigest.getInstance("MD5");
                    md5.update(check);
                    md5.update(SECRET.getBytes(StandardCharsets.UTF_8));
                    assertArrayEquals(md5.digest(), Arrays.copyOfRange(response, 4, 20));
                    int expected = id % 5 == 0 ? RadiusWire.ACCESS_REJECT : RadiusWire.ACCESS_ACCEPT;
                    assertEquals(expected, response[0], "socket " + s + " request " + id);
                    seen[id] = true;
                    if (expected == RadiusWire.ACCESS_ACCEPT) {
                        accepts++;
                    } else {
                        rejects++;
                    }
                }
                for (boolean b : seen) {
                    assertTrue(b);
                }
            }
            assertEquals(1600, accepts);
            assertEquals(400, rejects);
        } finally {
            for (DatagramSocket client : clients) {
                if (client != null) {
                    client.close();
                }
            }
        }
    }
}
