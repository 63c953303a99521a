package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.Decision;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.SharedSecret;
import org.tinyradius.packet.AccessRequest;

/**
 * 10,000 requests pending at once (as during a wave of MFA pushes) hold no thread: the server's thread count does
 * not grow while they wait, and every one is answered when the decisions arrive. Also IPv6 and several listen
 * addresses.
 */
class PendingLoadTest {
    private static final String SECRET = "pending-secret";

    private static ClientRegistry registryFor(String... addresses) {
        List<String> allowed = List.of(addresses);
        RadiusClient client = new RadiusClient("gw", "loopback", SharedSecret.of(SECRET), null, false);
        return new ClientRegistry() {
            @Override
            public Optional<RadiusClient> find(InetAddress source) {
                return allowed.contains(source.getHostAddress()) ? Optional.of(client) : Optional.empty();
            }

            @Override
            public List<RadiusClient> clients() {
                return List.of(client);
            }
        };
    }

    private static byte[] request(int id, String user) throws Exception {
        AccessRequest request = new AccessRequest(user, "pw");
        request.setPacketIdentifier(id);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        return out.toByteArray();
    }

    @Test
    void tenThousandPendingDecisionsHoldNoThreadAndAreAllAnswered() throws Exception {
        int pending = 10_000;
        CompletableFuture<Void> release = new CompletableFuture<>();
        CountDownLatch arrived = new CountDownLatch(pending);
        RadiusServer server = new RadiusServer(registryFor("127.0.0.1"), request -> {
            arrived.countDown();
            return release.thenApply(ignored -> new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "ok",
                    "P", List.of(), List.of()));
        }, List.of());
        server.configure(Map.of("authPort", "0", "acctPort", "0", "listenAddresses", "127.0.0.1",
                "rateLimitPerClient", "0"));
        InetSocketAddress auth = server.boundAddresses().get(0);
        List<DatagramSocket> sockets = new ArrayList<>();
        try {
            int threadsBefore = Thread.activeCount();
            // 40 sockets x 250 identifiers: every request distinct, as 40 gateways' worth of logins would be.
            for (int s = 0; s < 40; s++) {
                DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                socket.setReceiveBufferSize(1 << 20);
                socket.setSoTimeout(10_000);
                sockets.add(socket);
                for (int i = 0; i < 250; i++) {
                    byte[] packet = request(i, "user-" + s + "-" + i);
                    socket.send(new DatagramPacket(packet, packet.length, auth));
                }
            }
            assertTrue(arrived.await(60, TimeUnit.SECONDS), "all requests reached the pipeline: " + arrived.getCount()
                    + " missing");
            int threadsWhilePending = Thread.activeCount();
            System.out.printf("pending: %d requests waiting, threads %d before, %d while waiting%n", pending,
                    threadsBefore, threadsWhilePending);
            assertTrue(threadsWhilePending <= threadsBefore + 2, "threads grew from " + threadsBefore + " to "
                    + threadsWhilePending);
            release.complete(null);
            int answered = 0;
            for (DatagramSocket socket : sockets) {
                boolean[] seen = new boolean[250];
                for (int i = 0; i < 250; i++) {
                    DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
                    socket.receive(answer);
                    assertEquals(RadiusWire.ACCESS_ACCEPT, answer.getData()[0]);
                    seen[answer.getData()[1] & 0xFF] = true;
                    answered++;
                }
                for (boolean b : seen) {
                    assertTrue(b);
                }
            }
            assertEquals(pending, answered);
        } finally {
            sockets.forEach(DatagramSocket::close);
            server.deactivate();
        }
    }

    @Test
    void listensOnIpv6AndSeveralAddressesAtOnce() throws Exception {
        RadiusServer server = new RadiusServer(registryFor("127.0.0.1", "0:0:0:0:0:0:0:1"),
                request -> CompletableFuture.completedFuture(new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED,
                        "ok", "P", List.of(), List.of())), List.of());
        server.configure(Map.of("authPort", "0", "acctPort", "0", "listenAddresses", "127.0.0.1, ::1"));
        try {
            List<InetSocketAddress> bound = server.boundAddresses();
            assertEquals(4, bound.size(), bound.toString());
            for (InetSocketAddress address : List.of(bound.get(0), bound.get(1))) {
                String local = address.getAddress().getHostAddress().contains(":") ? "::1" : "127.0.0.1";
                try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(local, 0))) {
                    socket.setSoTimeout(5000);
                    byte[] packet = request(1, "v6");
                    socket.send(new DatagramPacket(packet, packet.length, address));
                    DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
                    socket.receive(answer);
                    assertEquals(RadiusWire.ACCESS_ACCEPT, answer.getData()[0], "answered on " + address);
                }
            }
        } finally {
            server.deactivate();
        }
    }
}
