package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.radmfa.api.AccessRequestHandler;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AccountingSink;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.Decision;
import org.radmfa.api.ListenerStatus;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.SharedSecret;
import org.tinyradius.packet.AccessRequest;

/** The transport over a real loopback UDP socket, with packets built by TinyRadius and signed here. */
class RadiusServerTest {
    private static final String SECRET = "s3cret-for-tests";
    private static final RadiusClient LOOPBACK =
            new RadiusClient("loopback", "127.0.0.1", SharedSecret.of(SECRET), null, true);

    /** The one client, at 127.0.0.1; a test may replace it. */
    private volatile RadiusClient loopback = LOOPBACK;
    /** The clients that have sent a valid Message-Authenticator, as the registry remembers them. */
    private final Map<String, java.time.Instant> received = new java.util.concurrent.ConcurrentHashMap<>();

    private final ClientRegistry registry = new ClientRegistry() {
        @Override
        public Optional<RadiusClient> find(InetAddress source) {
            return source.getHostAddress().equals("127.0.0.1") ? Optional.of(loopback) : Optional.empty();
        }

        @Override
        public List<RadiusClient> clients() {
            return List.of(loopback);
        }

        @Override
        public Optional<java.time.Instant> messageAuthenticatorReceived(String clientName) {
            return Optional.ofNullable(received.get(clientName));
        }

        @Override
        public void receivedMessageAuthenticator(String clientName) {
            received.putIfAbsent(clientName, java.time.Instant.now());
        }
    };

    /** What the pipeline does; a test may replace it. */
    private volatile AccessRequestHandler pipeline = request -> CompletableFuture.completedFuture(
            request.credentials() instanceof PapCredentials pap && pap.password().equals("right")
                    ? new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "ok", "P",
                            List.of(new ReplyAttribute("Session-Timeout", "3600"),
                                    new ReplyAttribute("MS-Primary-DNS-Server", "10.0.0.53")), List.of())
                    : Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "wrong password", List.of()));

    /** Records stored by the accounting sink; when {@link #sinkFails} is set, it refuses them. */
    private final List<AccountingRecord> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean sinkFails;
    private final AccountingSink sink = new AccountingSink() {
        @Override
        public String name() {
            return "memory";
        }

        @Override
        public CompletableFuture<Void> store(AccountingRecord record) {
            if (sinkFails) {
                return CompletableFuture.failedFuture(new java.io.IOException("disk full"));
            }
            stored.add(record);
            return CompletableFuture.completedFuture(null);
        }
    };

    private RadiusServer server;
    private InetSocketAddress authAddress;
    private InetSocketAddress acctAddress;
    private DatagramSocket socket;

    @BeforeEach
    void start() throws Exception {
        server = new RadiusServer(registry, request -> pipeline.handle(request), List.of(sink));
        server.configure(Map.of("authPort", "0", "acctPort", "0", "listenAddresses", "127.0.0.1"));
        List<InetSocketAddress> bound = server.boundAddresses();
        assertEquals(2, bound.size());
        authAddress = bound.get(0);
        acctAddress = bound.get(1);
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        socket.setSoTimeout(5000);
    }

    @AfterEach
    void stop() {
        socket.close();
        server.deactivate();
    }

    private static byte[] accessRequest(int id, String user, String password, String secret) throws Exception {
        AccessRequest request = new AccessRequest(user, password);
        request.setPacketIdentifier(id);
        request.addAttribute("NAS-Identifier", "unit-test");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, secret);
        return out.toByteArray();
    }

    /** Appends a Message-Authenticator (RFC 3579) signed with the given secret. */
    private static byte[] signed(byte[] packet, String secret) {
        byte[] result = Arrays.copyOf(packet, packet.length + 18);
        result[packet.length] = 80;
        result[packet.length + 1] = 18;
        result[2] = (byte) (result.length >> 8);
        result[3] = (byte) result.length;
        byte[] mac = RadiusWire.hmacMd5(secret.getBytes(StandardCharsets.UTF_8), result);
        System.arraycopy(mac, 0, result, packet.length + 2, 16);
        return result;
    }

    private void send(byte[] packet, InetSocketAddress to) throws Exception {
        socket.send(new DatagramPacket(packet, packet.length, to));
    }

    private byte[] receive() throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
        socket.receive(packet);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    /** Checks the Response Authenticator; returns the response with the Request Authenticator put back. */
    private static byte[] assertResponseAuthenticator(byte[] response, byte[] request) throws Exception {
        byte[] copy = response.clone();
        System.arraycopy(request, 4, copy, 4, 16);
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(copy);
        md5.update(SECRET.getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(md5.digest(), Arrays.copyOfRange(response, 4, 20), "Response Authenticator");
        return copy;
    }

    /** Checks the Response Authenticator and that a Message-Authenticator comes first and verifies. */
    private static void assertSignedResponse(byte[] response, byte[] request) throws Exception {
        byte[] copy = assertResponseAuthenticator(response, request);
        assertEquals(80, response[20], "Message-Authenticator first");
        assertTrue(RadiusWire.messageAuthenticatorValid(copy, 20, SECRET.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void papAcceptCarriesThePolicySettingsAndIsSigned() throws Exception {
        byte[] request = signed(accessRequest(7, "alice", "right", SECRET), SECRET);
        send(request, authAddress);
        byte[] response = receive();
        assertEquals(RadiusWire.ACCESS_ACCEPT, response[0]);
        assertEquals(7, response[1]);
        assertSignedResponse(response, request);
        assertTrue(RadiusWire.find(response, 27) > 0, "Session-Timeout");
        assertTrue(RadiusWire.find(response, 26) > 0, "Microsoft VSA");
    }

    /**
     * Before a client registry and a pipeline are there, a datagram could only be dropped, and its gateway would
     * retransmit it only after its timeout: the sockets open once both are, the first request is answered, and the
     * sockets stay open while either is replaced.
     */
    @Test
    void theSocketsOpenOnceARegistryAndAPipelineAreThereAndStayOpenWhileTheyAreReplaced() throws Exception {
        RadiusServer starting = new RadiusServer(null, null, List.of(sink));
        try {
            starting.configure(Map.of("authPort", "0", "acctPort", "0", "listenAddresses", "127.0.0.1"));
            assertEquals(List.of(), starting.boundAddresses(), "nothing could be answered: nothing listens");
            List<ListenerStatus> waiting = starting.listeners();
            assertEquals(2, waiting.size());
            assertEquals("not open yet: waiting for the client registry and the request pipeline",
                    waiting.get(0).failure());
            starting.bindHandler(request -> pipeline.handle(request));
            assertEquals(List.of(), starting.boundAddresses(), "the registry is not there yet");
            assertEquals("not open yet: waiting for the client registry", starting.listeners().get(1).failure());

            starting.bindClientRegistry(registry);
            List<InetSocketAddress> bound = starting.boundAddresses();
            assertEquals(2, bound.size(), "open once both are there");
            byte[] request = signed(accessRequest(9, "alice", "right", SECRET), SECRET);
            send(request, bound.get(0));
            assertEquals(RadiusWire.ACCESS_ACCEPT, receive()[0], "the first request is answered");

            // Replaced: DS binds the new one before it unbinds the old one; a pipeline may also just go.
            ClientRegistry replacement = new ClientRegistry() {
                @Override
                public Optional<RadiusClient> find(InetAddress source) {
                    return registry.find(source);
                }

                @Override
                public List<RadiusClient> clients() {
                    return registry.clients();
                }
            };
            starting.bindClientRegistry(replacement);
            starting.unbindClientRegistry(registry);
            AccessRequestHandler old = request1 -> pipeline.handle(request1);
            starting.bindHandler(old);
            starting.unbindHandler(old);
            assertEquals(bound, starting.boundAddresses(), "the sockets stay open");
            byte[] meanwhile = signed(accessRequest(10, "alice", "right", SECRET), SECRET);
            send(meanwhile, bound.get(0));
            assertEquals(RadiusWire.ACCESS_REJECT, receive()[0], "answered without a pipeline: service unavailable");
            starting.bindHandler(request2 -> pipeline.handle(request2));
            send(signed(accessRequest(11, "alice", "right", SECRET), SECRET), bound.get(0));
            assertEquals(RadiusWire.ACCESS_ACCEPT, receive()[0]);
        } finally {
            starting.deactivate();
        }
    }

    /** The policies' dictionary is a component of its own, which references nothing (no cycle through policies). */
    @Test
    void theReplyDictionaryChecksAttributesOnItsOwn() {
        ReplyDictionary dictionary = new ReplyDictionary();
        assertTrue(dictionary.problem("Session-Timeout", "3600").isEmpty());
        assertTrue(dictionary.problem("Sesion-Timeout", "3600").orElseThrow().contains("not in the dictionary"));
        assertFalse(org.radmfa.api.AttributeDictionary.class.isAssignableFrom(RadiusServer.class),
                "the server, which references the pipeline, offers no dictionary");
    }

    @Test
    void wrongPasswordIsRejected() throws Exception {
        byte[] request = signed(accessRequest(8, "alice", "wrong", SECRET), SECRET);
        send(request, authAddress);
        byte[] response = receive();
        assertEquals(RadiusWire.ACCESS_REJECT, response[0]);
        assertSignedResponse(response, request);
    }

    /**
     * A Vendor-Specific whose sub-attribute says length 0 used to keep TinyRadius's decoder counting forever on the
     * socket's reading thread, so that nothing that socket read was answered again: now the attribute is ignored
     * (RFC 6929 section 2.8), the request answered, and so is the next one.
     */
    @Test
    void aVendorSpecificWithASubAttributeOfLengthZeroDoesNotStallTheSocket() throws Exception {
        byte[] request = signed(RequestDecoderTest.appended(accessRequest(9, "alice", "right", SECRET),
                "1a0a00000137" + "0100" + "0102"), SECRET);
        assertEquals(RadiusWire.ACCESS_ACCEPT, exchange(request)[0]);
        byte[] next = signed(accessRequest(10, "alice", "wrong", SECRET), SECRET);
        assertEquals(RadiusWire.ACCESS_REJECT, exchange(next)[0]);
    }

    /** Sends a datagram that must be dropped, then a good one: the first answer must be the good one's. */
    private void assertDropped(byte[] bad, InetSocketAddress to, DropReason reason) throws Exception {
        long before = server.counters().drops("loopback", reason);
        send(bad, to);
        byte[] good = signed(accessRequest(200, "alice", "right", SECRET), SECRET);
        send(good, authAddress);
        byte[] response = receive();
        assertEquals(200, response[1] & 0xFF, "the dropped datagram was answered");
        assertEquals(before + 1, server.counters().drops("loopback", reason));
    }

    @Test
    void badSecretMissingAuthenticatorAndMalformedPacketsGetNoAnswer() throws Exception {
        assertDropped(signed(accessRequest(1, "alice", "right", SECRET), "other-secret"), authAddress,
                DropReason.BAD_MESSAGE_AUTHENTICATOR);
        assertDropped(accessRequest(2, "alice", "right", SECRET), authAddress,
                DropReason.MISSING_MESSAGE_AUTHENTICATOR);
        assertDropped(new byte[] {1, 3, 0, 19}, authAddress, DropReason.TRUNCATED);
        byte[] lying = signed(accessRequest(4, "alice", "right", SECRET), SECRET);
        lying[3] += 5;
        assertDropped(lying, authAddress, DropReason.LENGTH_MISMATCH);
        byte[] badAttribute = signed(accessRequest(5, "alice", "right", SECRET), SECRET);
        badAttribute[21] = 1;
        assertDropped(badAttribute, authAddress, DropReason.MALFORMED_ATTRIBUTE);
        assertDropped(new byte[5000], authAddress, DropReason.TOO_LONG);
        byte[] accessOnAcctPort = signed(accessRequest(6, "alice", "right", SECRET), SECRET);
        assertDroppedOn(accessOnAcctPort, acctAddress, DropReason.UNKNOWN_CODE);
    }

    /**
     * RFC 2865 section 3: octets past the Length field are padding, ignored on reception; only a datagram shorter
     * than its Length is discarded. A padded request is the packet of Length octets: its Message-Authenticator or
     * Request Authenticator verifies over those, and the unpadded copy is its retransmit.
     */
    @Test
    void octetsPastTheLengthFieldArePaddingAndIgnored() throws Exception {
        byte[] request = signed(accessRequest(51, "alice", "right", SECRET), SECRET);
        send(Arrays.copyOf(request, request.length + 2), authAddress);
        byte[] answer = receive();
        assertEquals(RadiusWire.ACCESS_ACCEPT, answer[0]);
        assertSignedResponse(answer, request);
        send(request, authAddress);
        assertArrayEquals(answer, receive(), "without the padding it is the same request, answered the same");
        assertEquals(1, server.counters().duplicates("loopback"));

        byte[] accounting = accountingRequest(52, "session-padded", SECRET);
        send(Arrays.copyOf(accounting, accounting.length + 2), acctAddress);
        byte[] response = receive();
        assertEquals(RadiusWire.ACCOUNTING_RESPONSE, response[0]);
        assertResponseAuthenticator(response, accounting);

        byte[] belowHeader = Arrays.copyOf(request, request.length);
        belowHeader[2] = 0;
        belowHeader[3] = 19;
        assertDropped(belowHeader, authAddress, DropReason.LENGTH_MISMATCH);
    }

    @Test
    void statusServerIsAnsweredOnBothPorts() throws Exception {
        byte[] status = new byte[20];
        status[0] = RadiusWire.STATUS_SERVER;
        status[1] = 42;
        status[3] = 20;
        new java.security.SecureRandom().nextBytes(Arrays.copyOfRange(status, 4, 20));
        byte[] request = signed(status, SECRET);
        send(request, authAddress);
        byte[] response = receive();
        assertEquals(RadiusWire.ACCESS_ACCEPT, response[0]);
        assertSignedResponse(response, request);
        send(request, acctAddress);
        assertEquals(RadiusWire.ACCOUNTING_RESPONSE, receive()[0]);
    }

    @Test
    void aBadConfigurationKeepsTheListenersServing() throws Exception {
        server.configure(Map.of("authPort", "70000", "listenAddresses", "127.0.0.1"));
        assertEquals(List.of(authAddress, acctAddress), server.boundAddresses());
        server.configure(Map.of("authPort", "0", "listenAddresses", "not-an-address"));
        assertEquals(List.of(authAddress, acctAddress), server.boundAddresses());
        byte[] request = signed(accessRequest(9, "alice", "right", SECRET), SECRET);
        send(request, authAddress);
        assertEquals(RadiusWire.ACCESS_ACCEPT, receive()[0]);
    }

    @Test
    void listenersReportTheirBoundAddressOrWhyTheyCouldNotOpen() throws Exception {
        List<ListenerStatus> open = server.listeners();
        assertEquals(List.of("authentication", "accounting"), open.stream().map(ListenerStatus::kind).toList());
        assertEquals(List.of(authAddress, acctAddress), open.stream().map(ListenerStatus::bound).toList());
        assertTrue(open.stream().allMatch(ListenerStatus::open));

        // A port another socket holds without SO_REUSEPORT cannot be bound: the status names it and why.
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            server.configure(Map.of("authPort", String.valueOf(taken.getLocalPort()), "acctPort", "0",
                    "listenAddresses", "127.0.0.1"));
            ListenerStatus auth = server.listeners().get(0);
            assertEquals(taken.getLocalPort(), auth.configured().getPort());
            assertEquals(null, auth.bound());
            assertTrue(auth.failure() != null && !auth.failure().isBlank(), auth.toString());
        }
    }

    @Test
    void retransmitsJoinThePendingDecisionAndThenGetTheCachedResponse() throws Exception {
        java.util.concurrent.atomic.AtomicInteger decided = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<Decision> slow = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        pipeline = request -> {
            decided.incrementAndGet();
            arrived.countDown();
            return slow;
        };
        byte[] request = signed(accessRequest(77, "alice", "right", SECRET), SECRET);
        send(request, authAddress);
        assertTrue(arrived.await(5, java.util.concurrent.TimeUnit.SECONDS));
        send(request, authAddress);
        send(request, authAddress);
        // The retransmits are read after the original on the same socket; once the drop-free status exchange
        // below is answered, they have been seen.
        byte[] status = new byte[20];
        status[0] = RadiusWire.STATUS_SERVER;
        status[1] = 9;
        status[3] = 20;
        send(signed(status, SECRET), authAddress);
        assertEquals(9, receive()[1]);
        slow.complete(new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "ok", "P", List.of(), List.of()));
        byte[] first = receive();
        assertArrayEquals(first, receive());
        assertArrayEquals(first, receive());
        send(request, authAddress);
        assertArrayEquals(first, receive());
        assertEquals(1, decided.get(), "the pipeline decided the request once");
        assertEquals(3, server.counters().duplicates("loopback"));
    }

    /**
     * One source address and port is read by one thread: a decision that keeps its thread busy (a directory call, a
     * slow hash) must not hold up the next requests of the same flow, and a retransmit of the request being decided
     * joins it instead of being decided again on another thread.
     */
    @Test
    void oneFlowIsDecidedOnSeveralThreadsAndARetransmitInFlightJoinsIt() throws Exception {
        server.configure(Map.of("authPort", "0", "acctPort", "0", "listenAddresses", "127.0.0.1",
                "deciderThreads", "2"));
        java.util.concurrent.atomic.AtomicInteger slowDecisions = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch deciding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AccessRequestHandler immediate = pipeline;
        pipeline = request -> {
            if (request.userName().equals("slow")) {
                slowDecisions.incrementAndGet();
                deciding.countDown();
                try {
                    // Holds the calling thread, as a synchronous directory would.
                    assertTrue(release.await(1, java.util.concurrent.TimeUnit.MINUTES));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return immediate.handle(request);
        };
        byte[] slow = signed(accessRequest(1, "slow", "right", SECRET), SECRET);
        send(slow, authAddress);
        assertTrue(deciding.await(1, java.util.concurrent.TimeUnit.MINUTES));
        send(slow, authAddress);
        byte[] fast = signed(accessRequest(2, "fast", "right", SECRET), SECRET);
        send(fast, authAddress);
        byte[] first = receive();
        assertEquals(2, first[1] & 0xFF, "the second request of the flow was answered while the first was decided");
        assertEquals(RadiusWire.ACCESS_ACCEPT, first[0]);
        release.countDown();
        byte[] answer = receive();
        assertEquals(1, answer[1] & 0xFF);
        assertSignedResponse(answer, slow);
        assertArrayEquals(answer, receive(), "the retransmit got the original's answer");
        assertEquals(1, slowDecisions.get(), "the retransmit joined the decision in flight");
        assertEquals(1, server.counters().duplicates("loopback"));
    }

    /**
     * A pipeline that throws instead of returning a decision (a bug, or a bundle uninstalled under the call) still
     * gets the request answered, on the reading thread as on a decider; so does one whose decision cannot be sent as
     * it is. A retransmit then gets the same Access-Reject instead of waiting on a decision that never comes.
     */
    @Test
    void aPipelineThatThrowsStillGetsTheRequestAnsweredWithAReject() throws Exception {
        for (String deciders : List.of("0", "2")) {
            server.configure(Map.of("authPort", "0", "acctPort", "0", "listenAddresses", "127.0.0.1",
                    "deciderThreads", deciders));
            authAddress = server.boundAddresses().get(0);
            pipeline = request -> {
                if (request.userName().equals("linkage")) {
                    throw new NoClassDefFoundError("org/example/Gone");
                }
                throw new IllegalStateException("component deactivated");
            };
            for (String user : List.of("bug", "linkage")) {
                byte[] request = signed(accessRequest(31, user, "right", SECRET), SECRET);
                send(request, authAddress);
                byte[] answer = receive();
                assertEquals(RadiusWire.ACCESS_REJECT, answer[0], user + " with " + deciders + " deciders");
                assertSignedResponse(answer, request);
                send(request, authAddress);
                assertArrayEquals(answer, receive(), "the retransmit gets the same reject");
            }
            // A decision with nothing the encoder can send: answered all the same.
            pipeline = request -> CompletableFuture.completedFuture(null);
            byte[] request = signed(accessRequest(32, "null", "right", SECRET), SECRET);
            send(request, authAddress);
            assertEquals(RadiusWire.ACCESS_REJECT, receive()[0]);
        }
    }

    /**
     * A decision may complete on a thread that is being interrupted: a component that stops its executor with
     * shutdownNow (the Entra connector when its bundle goes) interrupts the thread that is finishing a login. The
     * answer still leaves, and the socket stays open for the next requests: an interruptible channel would close
     * itself on that send (ClosedByInterruptException), and the appliance would go deaf on it for good.
     */
    @Test
    void aDecisionCompletedOnAnInterruptedThreadIsAnsweredAndTheSocketStaysOpen() throws Exception {
        server.configure(Map.of("authPort", "0", "acctPort", "0", "listenAddresses", "127.0.0.1",
                "socketsPerAddress", "1"));
        authAddress = server.boundAddresses().get(0);
        AccessRequestHandler immediate = pipeline;
        pipeline = request -> {
            CompletableFuture<Decision> decided = new CompletableFuture<>();
            Thread finisher = new Thread(() -> {
                Thread.currentThread().interrupt();
                immediate.handle(request).thenAccept(decided::complete);
            }, "interrupted-finisher");
            finisher.start();
            return decided;
        };
        byte[] first = signed(accessRequest(41, "alice", "right", SECRET), SECRET);
        send(first, authAddress);
        byte[] answer = receive();
        assertEquals(41, answer[1] & 0xFF);
        assertEquals(RadiusWire.ACCESS_ACCEPT, answer[0]);
        pipeline = immediate;
        byte[] next = signed(accessRequest(42, "alice", "right", SECRET), SECRET);
        send(next, authAddress);
        assertEquals(42, receive()[1] & 0xFF, "the socket still serves");
    }

    /** Decided at once, so never registered as pending: its retransmit still gets the same answer, not a decision. */
    @Test
    void aRetransmitOfARequestDecidedAtOnceGetsTheCachedResponse() throws Exception {
        java.util.concurrent.atomic.AtomicInteger decided = new java.util.concurrent.atomic.AtomicInteger();
        AccessRequestHandler immediate = pipeline;
        pipeline = request -> {
            decided.incrementAndGet();
            return immediate.handle(request);
        };
        byte[] request = signed(accessRequest(78, "alice", "right", SECRET), SECRET);
        send(request, authAddress);
        byte[] first = receive();
        send(request, authAddress);
        assertArrayEquals(first, receive());
        assertEquals(1, decided.get(), "the pipeline decided the request once");
        assertEquals(1, server.counters().duplicates("loopback"));
    }

    private static byte[] accountingRequest(int id, String sessionId, String secret) throws Exception {
        org.tinyradius.packet.AccountingRequest request = new org.tinyradius.packet.AccountingRequest("alice",
                org.tinyradius.packet.AccountingRequest.ACCT_STATUS_TYPE_START);
        request.setPacketIdentifier(id);
        request.addAttribute("Acct-Session-Id", sessionId);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, secret);
        return out.toByteArray();
    }

    @Test
    void accountingIsAnsweredOnlyOnceStoredAndRetransmitsAreNotStoredTwice() throws Exception {
        byte[] request = accountingRequest(31, "session-1", SECRET);
        send(request, acctAddress);
        byte[] response = receive();
        assertEquals(RadiusWire.ACCOUNTING_RESPONSE, response[0]);
        assertEquals(20, response.length, "an Accounting-Response carries no attributes");
        assertResponseAuthenticator(response, request);
        send(request, acctAddress);
        assertArrayEquals(response, receive());
        assertEquals(1, stored.size());
        assertEquals("session-1", stored.get(0).attribute("Acct-Session-Id").orElseThrow());
        assertEquals("Start", stored.get(0).attribute("Acct-Status-Type").orElseThrow());

        assertDroppedOn(accountingRequest(32, "session-2", "other-secret"), acctAddress,
                DropReason.BAD_REQUEST_AUTHENTICATOR);
        sinkFails = true;
        byte[] unstorable = accountingRequest(33, "session-3", SECRET);
        assertDroppedOn(unstorable, acctAddress, DropReason.ACCOUNTING_NOT_DURABLE);
        sinkFails = false;
        send(unstorable, acctAddress);
        assertEquals(33, receive()[1], "the NAS's retry after a failure is stored and answered");
        assertEquals(2, stored.size());
    }

    /** Like {@link #assertDropped} for any port: a Status-Server on the same port proves the order. */
    private void assertDroppedOn(byte[] bad, InetSocketAddress to, DropReason reason) throws Exception {
        long before = server.counters().drops("loopback", reason);
        send(bad, to);
        byte[] status = new byte[20];
        status[0] = RadiusWire.STATUS_SERVER;
        status[1] = (byte) 250;
        status[3] = 20;
        send(signed(status, SECRET), to);
        assertEquals(250, receive()[1] & 0xFF, "the dropped datagram was answered");
        assertEquals(before + 1, server.counters().drops("loopback", reason));
    }

    /** Reverses RFC 2548 section 2.4.2, independently of the encoder. */
    private static byte[] unhideKey(byte[] hidden, byte[] requestAuthenticator) throws Exception {
        assertTrue((hidden[0] & 0x80) != 0, "salt high bit");
        byte[] plain = new byte[hidden.length - 2];
        byte[] previous = null;
        for (int block = 0; block < plain.length; block += 16) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(SECRET.getBytes(StandardCharsets.UTF_8));
            if (previous == null) {
                md5.update(requestAuthenticator);
                md5.update(hidden, 0, 2);
            } else {
                md5.update(previous);
            }
            byte[] mask = md5.digest();
            for (int i = 0; i < 16; i++) {
                plain[block + i] = (byte) (hidden[2 + block + i] ^ mask[i]);
            }
            previous = Arrays.copyOfRange(hidden, 2 + block, 18 + block);
        }
        return Arrays.copyOfRange(plain, 1, 1 + plain[0]);
    }

    /** The sub-attribute data of the first Microsoft VSA of this type in a response. */
    private static byte[] microsoftAttribute(byte[] response, int type) {
        int offset = 20;
        while (offset < response.length) {
            int length = response[offset + 1] & 0xFF;
            if (response[offset] == 26 && response[offset + 5] == 55 && (response[offset + 6] & 0xFF) == type) {
                return Arrays.copyOfRange(response, offset + 8, offset + length);
            }
            offset += length;
        }
        return null;
    }

    @Test
    void msChapV2IsDecodedAndMppeKeysAreHiddenPerRfc2548() throws Exception {
        java.util.HexFormat hex = java.util.HexFormat.of();
        byte[] sendKey = hex.parseHex("8b7cdc149b993a1ba118cb153f56dccb");
        pipeline = request -> {
            org.radmfa.api.MsChapV2Credentials credentials =
                    (org.radmfa.api.MsChapV2Credentials) request.credentials();
            boolean rfcVector = credentials.ident() == 7 && hex.formatHex(credentials.ntResponse())
                    .equals("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df");
            return CompletableFuture.completedFuture(rfcVector
                    ? new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED, "ok", "P",
                            List.of(new ReplyAttribute("MS-MPPE-Send-Key", "0x" + hex.formatHex(sendKey)),
                                    new ReplyAttribute("MS-MPPE-Recv-Key", "0x" + hex.formatHex(sendKey))), List.of())
                    : Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "no", List.of()));
        };
        AccessRequest request = new AccessRequest();
        request.setPacketIdentifier(61);
        request.setUserName("User");
        org.tinyradius.attribute.VendorSpecificAttribute vsa = new org.tinyradius.attribute.VendorSpecificAttribute(311);
        org.tinyradius.attribute.RadiusAttribute challenge = new org.tinyradius.attribute.RadiusAttribute(11,
                hex.parseHex("5b5d7c7d7b3f2f3e3c2c602132262628"));
        challenge.setVendorId(311);
        vsa.addSubAttribute(challenge);
        org.tinyradius.attribute.RadiusAttribute msChap2Response = new org.tinyradius.attribute.RadiusAttribute(25,
                hex.parseHex("0700" + "21402324255e262a28295f2b3a337c7e" + "0000000000000000"
                        + "82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df"));
        msChap2Response.setVendorId(311);
        vsa.addSubAttribute(msChap2Response);
        request.addAttribute(vsa);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        byte[] packet = signed(out.toByteArray(), SECRET);
        send(packet, authAddress);
        byte[] response = receive();
        assertEquals(RadiusWire.ACCESS_ACCEPT, response[0]);
        assertSignedResponse(response, packet);
        byte[] hiddenSend = microsoftAttribute(response, 16);
        byte[] hiddenRecv = microsoftAttribute(response, 17);
        assertEquals(34, hiddenSend.length, "salt, then 32 octets: length, 16-octet key, padding");
        assertArrayEquals(sendKey, unhideKey(hiddenSend, Arrays.copyOfRange(packet, 4, 20)));
        assertArrayEquals(sendKey, unhideKey(hiddenRecv, Arrays.copyOfRange(packet, 4, 20)));
        assertTrue(hiddenSend[0] != hiddenRecv[0] || hiddenSend[1] != hiddenRecv[1], "salts unique in a packet");
    }

    private static byte[] eapRequest(int id, byte[] eap, byte[] state) throws Exception {
        AccessRequest request = new AccessRequest();
        request.setPacketIdentifier(id);
        request.setUserName("alice");
        for (int offset = 0; offset < eap.length; offset += 253) {
            request.addAttribute(new org.tinyradius.attribute.RadiusAttribute(79,
                    Arrays.copyOfRange(eap, offset, Math.min(eap.length, offset + 253))));
        }
        if (state != null) {
            request.addAttribute(new org.tinyradius.attribute.RadiusAttribute(24, state));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        return out.toByteArray();
    }

    @Test
    void eapIdentityIsChallengedAndBadEapIsDroppedOrFailed() throws Exception {
        byte[] identity = {2, 5, 0, 10, 1, 'a', 'l', 'i', 'c', 'e'};
        byte[] request = signed(eapRequest(41, identity, null), SECRET);
        send(request, authAddress);
        byte[] challenge = receive();
        assertEquals(RadiusWire.ACCESS_CHALLENGE, challenge[0]);
        assertSignedResponse(challenge, request);
        int eapOffset = RadiusWire.find(challenge, 79);
        assertEquals(1, challenge[eapOffset + 2], "EAP-Request");
        assertEquals(6, challenge[eapOffset + 3], "next EAP identifier");
        assertEquals(26, challenge[eapOffset + 6], "EAP-MSCHAPv2");
        assertTrue(RadiusWire.find(challenge, 24) > 0, "State");

        assertDropped(eapRequest(42, identity, null), authAddress, DropReason.MISSING_MESSAGE_AUTHENTICATOR);
        assertDropped(signed(eapRequest(43, new byte[] {2, 5, 0, 99, 1}, null), SECRET), authAddress,
                DropReason.MALFORMED_EAP);
        byte[] unknownState = signed(eapRequest(44, new byte[] {2, 6, 0, 6, 26, 3}, new byte[16]), SECRET);
        send(unknownState, authAddress);
        byte[] failure = receive();
        assertEquals(RadiusWire.ACCESS_REJECT, failure[0]);
        int failureOffset = RadiusWire.find(failure, 79);
        assertEquals(4, failure[failureOffset + 2], "EAP-Failure");
        assertEquals(6, failure[failureOffset + 3], "echoes the response's identifier");
    }

    /**
     * RFC 3579 section 2.1: an EAP-Message of length 2 (EAP-Start) asks the server to start EAP. As FreeRADIUS does,
     * it is answered with an EAP-Request/Identity, and the peer's identity then starts the conversation as usual.
     */
    @Test
    void eapStartIsAnsweredWithAnIdentityRequest() throws Exception {
        byte[] start = signed(RequestDecoderTest.appended(eapRequest(61, new byte[0], null), "4f02"), SECRET);
        byte[] challenge = exchange(start);
        assertEquals(RadiusWire.ACCESS_CHALLENGE, challenge[0]);
        byte[] identityRequest = attributeValue(challenge, 79);
        assertEquals(5, identityRequest.length);
        assertEquals(1, identityRequest[0], "EAP-Request");
        assertEquals(5, (identityRequest[2] & 0xFF) << 8 | identityRequest[3] & 0xFF, "EAP length");
        assertEquals(1, identityRequest[4], "Identity");

        int eapId = identityRequest[1] & 0xFF;
        byte[] identity = {2, (byte) eapId, 0, 10, 1, 'a', 'l', 'i', 'c', 'e'};
        byte[] next = exchange(signed(eapRequest(62, identity, null), SECRET));
        assertEquals(RadiusWire.ACCESS_CHALLENGE, next[0]);
        byte[] msChapChallenge = attributeValue(next, 79);
        assertEquals((eapId + 1) & 0xFF, msChapChallenge[1] & 0xFF, "next EAP identifier");
        assertEquals(26, msChapChallenge[4], "EAP-MSCHAPv2");
        assertEquals(2, server.counters().requests("loopback"));
        assertEquals(0, server.counters().drops("loopback", DropReason.MALFORMED_EAP));
    }

    /**
     * RFC 3579 section 2.1: a NAS that starts EAP with an EAP-Start has not seen the peer's identity yet, so it has no
     * User-Name to send (RFC 2865 section 4.1: an Access-Request SHOULD, not MUST, carry one). The server answers
     * with an EAP-Request/Identity as when User-Name is there; the peer's identity, which the NAS copies into
     * User-Name, then starts the conversation. Any other Access-Request without User-Name is still dropped.
     */
    @Test
    void eapStartWithoutUserNameIsAnsweredWithAnIdentityRequest() throws Exception {
        byte[] start = signed(RequestDecoderTest.appended(accessRequestHeader(65), "4f02"), SECRET);
        byte[] challenge = exchange(start);
        assertEquals(RadiusWire.ACCESS_CHALLENGE, challenge[0]);
        byte[] identityRequest = attributeValue(challenge, 79);
        assertEquals(5, identityRequest.length);
        assertEquals(1, identityRequest[0], "EAP-Request");
        assertEquals(1, identityRequest[4], "Identity");

        int eapId = identityRequest[1] & 0xFF;
        byte[] identity = {2, (byte) eapId, 0, 10, 1, 'a', 'l', 'i', 'c', 'e'};
        byte[] next = exchange(signed(eapRequest(66, identity, null), SECRET));
        assertEquals(RadiusWire.ACCESS_CHALLENGE, next[0]);
        assertEquals(26, attributeValue(next, 79)[4], "EAP-MSCHAPv2");
        assertEquals(0, server.counters().drops("loopback", DropReason.NO_USER_NAME));

        byte[] identityWithoutUserName = {2, 9, 0, 10, 1, 'a', 'l', 'i', 'c', 'e'};
        assertDropped(signed(RequestDecoderTest.appended(accessRequestHeader(67),
                "4f0c" + HexFormat.of().formatHex(identityWithoutUserName)), SECRET), authAddress,
                DropReason.NO_USER_NAME);
    }

    /** An Access-Request with no attribute at all: code, identifier, length and a random Request Authenticator. */
    private static byte[] accessRequestHeader(int id) {
        byte[] packet = new byte[20];
        packet[0] = RadiusWire.ACCESS_REQUEST;
        packet[1] = (byte) id;
        packet[3] = 20;
        byte[] authenticator = new byte[16];
        new java.security.SecureRandom().nextBytes(authenticator);
        System.arraycopy(authenticator, 0, packet, 4, 16);
        return packet;
    }

    /**
     * Every datagram is one of a request, a retransmit or a drop: a malformed EAP packet, found so by the engine or
     * by an EAP method, is a drop and not also a request.
     */
    @Test
    void aMalformedEapPacketIsCountedAsADropOnly() throws Exception {
        byte[] methodState = "tls-conversation".getBytes(StandardCharsets.US_ASCII);
        server.bindEapMethod(new org.radmfa.api.eap.EapMethod() {
            @Override
            public int type() {
                return 13;
            }

            @Override
            public java.util.concurrent.CompletionStage<Decision> start(org.radmfa.api.eap.EapRequest request) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public boolean owns(byte[] state) {
                return Arrays.equals(methodState, state);
            }

            @Override
            public java.util.concurrent.CompletionStage<Decision> next(org.radmfa.api.eap.EapRequest request,
                    AccessRequestHandler handler) {
                return CompletableFuture.completedFuture(null);
            }
        });
        assertDropped(signed(eapRequest(63, new byte[] {2, 5, 0, 99, 1}, null), SECRET), authAddress,
                DropReason.MALFORMED_EAP);
        assertDropped(signed(eapRequest(64, new byte[] {2, 6, 0, 6, 13, 0}, methodState), SECRET), authAddress,
                DropReason.MALFORMED_EAP);
        assertEquals(2, server.counters().requests("loopback"), "only the two good requests sent after them");
    }

    private static final byte[] FIRST_STATE = "proxy-1:\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] SECOND_STATE = {(byte) 0x80, 0, 1, 2, 3, 4, 5, 6, 7, 8};

    /** Adds the two Proxy-State attributes a chain of two proxies would have added, in that order. */
    private static void addProxyStates(org.tinyradius.packet.RadiusPacket request) {
        request.addAttribute(new org.tinyradius.attribute.RadiusAttribute(33, FIRST_STATE));
        request.addAttribute(new org.tinyradius.attribute.RadiusAttribute(33, SECOND_STATE));
    }

    /** The values of every Proxy-State of a response, in order. */
    private static List<byte[]> proxyStates(byte[] response) {
        List<byte[]> found = new java.util.ArrayList<>();
        int offset = 20;
        while (offset < response.length) {
            int length = response[offset + 1] & 0xFF;
            if (response[offset] == 33) {
                found.add(Arrays.copyOfRange(response, offset + 2, offset + length));
            }
            offset += length;
        }
        return found;
    }

    private static void assertProxyStatesEchoed(byte[] response) {
        List<byte[]> echoed = proxyStates(response);
        assertEquals(2, echoed.size(), "both Proxy-State attributes come back");
        assertArrayEquals(FIRST_STATE, echoed.get(0), "first Proxy-State, unmodified");
        assertArrayEquals(SECOND_STATE, echoed.get(1), "second Proxy-State, unmodified and in order");
    }

    private static byte[] papWithProxyStates(int id, String password) throws Exception {
        AccessRequest request = new AccessRequest("alice", password);
        request.setPacketIdentifier(id);
        addProxyStates(request);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        return signed(out.toByteArray(), SECRET);
    }

    /** RFC 2865 section 5.33: Accept and Reject carry every Proxy-State back, unmodified and in order. */
    @Test
    void acceptAndRejectEchoProxyStateInOrder() throws Exception {
        byte[] accept = papWithProxyStates(101, "right");
        send(accept, authAddress);
        byte[] accepted = receive();
        assertEquals(RadiusWire.ACCESS_ACCEPT, accepted[0]);
        assertSignedResponse(accepted, accept);
        assertProxyStatesEchoed(accepted);
        assertTrue(RadiusWire.find(accepted, 27) > 0, "the policy's settings as well");

        byte[] reject = papWithProxyStates(102, "wrong");
        send(reject, authAddress);
        byte[] rejected = receive();
        assertEquals(RadiusWire.ACCESS_REJECT, rejected[0]);
        assertSignedResponse(rejected, reject);
        assertProxyStatesEchoed(rejected);

        byte[] plain = signed(accessRequest(103, "alice", "right", SECRET), SECRET);
        send(plain, authAddress);
        assertTrue(proxyStates(receive()).isEmpty(), "no Proxy-State where the request had none");
    }

    /** An answer completed later (after a second factor) and its retransmits from the cache carry them too. */
    @Test
    void anAnswerCompletedLaterAndItsCachedCopiesEchoProxyState() throws Exception {
        CompletableFuture<Decision> slow = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        pipeline = request -> {
            arrived.countDown();
            return slow;
        };
        byte[] request = papWithProxyStates(104, "right");
        send(request, authAddress);
        assertTrue(arrived.await(5, java.util.concurrent.TimeUnit.SECONDS));
        send(request, authAddress);
        slow.complete(new Decision(Decision.Outcome.CHALLENGE, ReasonCode.MFA_CHALLENGE, "code?", "P",
                List.of(new ReplyAttribute("Reply-Message", "Enter the code")), List.of()));
        byte[] first = receive();
        assertEquals(RadiusWire.ACCESS_CHALLENGE, first[0]);
        assertSignedResponse(first, request);
        assertProxyStatesEchoed(first);
        assertArrayEquals(first, receive(), "the joined retransmit");
        send(request, authAddress);
        assertArrayEquals(first, receive(), "a retransmit answered from the cache");
    }

    /** RFC 2866: an Accounting-Response echoes Proxy-State as well. */
    @Test
    void accountingResponseEchoesProxyState() throws Exception {
        org.tinyradius.packet.AccountingRequest request = new org.tinyradius.packet.AccountingRequest("alice",
                org.tinyradius.packet.AccountingRequest.ACCT_STATUS_TYPE_START);
        request.setPacketIdentifier(105);
        request.addAttribute("Acct-Session-Id", "session-proxied");
        addProxyStates(request);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.encodeRequestPacket(out, SECRET);
        byte[] packet = out.toByteArray();
        send(packet, acctAddress);
        byte[] response = receive();
        assertEquals(RadiusWire.ACCOUNTING_RESPONSE, response[0]);
        assertResponseAuthenticator(response, packet);
        assertProxyStatesEchoed(response);
    }

    /** MS-CHAP v1 is not offered: answered with Access-Reject and counted under reason 66, never dropped. */
    @Test
    void msChapV1IsRejectedWithReasonNotAllowedAndNotDropped() throws Exception {
        byte[] request = signed(RequestDecoderTest.msChapV1("alice", SECRET), SECRET);
        send(request, authAddress);
        byte[] response = receive();
        assertEquals(RadiusWire.ACCESS_REJECT, response[0]);
        assertSignedResponse(response, request);
        assertEquals(1L, server.clients().get(0).rejects().get("AUTH_METHOD_NOT_ALLOWED"));
        assertEquals(0L, server.counters().drops("loopback", DropReason.UNDECODABLE));
    }

    /**
     * A password that must change (draft-kamath-pppext-eap-mschapv2, RFC 2759 section 7): the directory's
     * "E=648 R=1" becomes an MS-CHAPv2 Failure Request with a fresh challenge, the conversation kept; the peer's
     * Change-Password reaches the pipeline as a password change made over that challenge, and its accept continues
     * as any EAP-MSCHAPv2 success does, the Success echoing the Change-Password's MS-CHAPv2-ID.
     */
    @Test
    void anExpiredPasswordIsOfferedAChangeAndTheChangeContinuesAsALogin() throws Exception {
        HexFormat hex = HexFormat.of();
        List<org.radmfa.api.Credentials> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        byte[] passwordHashHash = hex.parseHex("41c00c584bd2d91c4017a2a12fa59f3f");
        pipeline = request -> {
            seen.add(request.credentials());
            if (request.credentials() instanceof org.radmfa.api.MsChapV2PasswordChange change) {
                return CompletableFuture.completedFuture(new Decision(Decision.Outcome.ACCEPT, ReasonCode.ACCEPTED,
                        "changed", "P", change.response().successAttributes(request.userName(), passwordHashHash),
                        List.of()));
            }
            org.radmfa.api.MsChapV2Credentials msChap = (org.radmfa.api.MsChapV2Credentials) request.credentials();
            return CompletableFuture.completedFuture(new Decision(Decision.Outcome.REJECT,
                    ReasonCode.PASSWORD_MUST_CHANGE, "must change", null,
                    msChap.failureAttributes(ReasonCode.PASSWORD_MUST_CHANGE, true), List.of()));
        };
        byte[] identity = {2, 5, 0, 10, 1, 'f', 'r', 'a', 'n', 'k'};
        byte[] challenge = exchange(signed(eapRequest(47, identity, null), SECRET));
        byte[] state = attributeValue(challenge, 24);
        byte[] eap = attributeValue(challenge, 79);
        int msChapId = eap[6] & 0xFF;
        byte[] firstChallenge = Arrays.copyOfRange(eap, 10, 26);

        byte[] response = new byte[5 + 54 + 5];
        response[0] = 2;
        response[1] = eap[1];
        response[2] = 0;
        response[3] = (byte) response.length;
        response[4] = 26;
        response[5] = 2;
        response[6] = (byte) msChapId;
        response[8] = (byte) (response.length - 5);
        response[9] = 49;
        System.arraycopy("frank".getBytes(StandardCharsets.US_ASCII), 0, response, 59, 5);
        byte[] offer = exchange(signed(eapRequest(48, response, state), SECRET));
        assertEquals(RadiusWire.ACCESS_CHALLENGE, offer[0], "the conversation goes on");
        assertArrayEquals(state, attributeValue(offer, 24), "under the same State");
        byte[] failureRequest = attributeValue(offer, 79);
        assertEquals(1, failureRequest[0], "EAP-Request");
        assertEquals(4, failureRequest[5], "MS-CHAPv2 Failure");
        String message = new String(failureRequest, 9, failureRequest.length - 9, StandardCharsets.US_ASCII);
        java.util.regex.Matcher c = java.util.regex.Pattern.compile("^E=648 R=1 C=([0-9A-F]{32}) V=3 ")
                .matcher(message);
        assertTrue(c.find(), message);
        byte[] changeChallenge = hex.parseHex(c.group(1).toLowerCase(java.util.Locale.ROOT));
        assertFalse(Arrays.equals(firstChallenge, changeChallenge), "a fresh challenge for the change");

        byte[] change = new byte[5 + 586];
        change[0] = 2;
        change[1] = failureRequest[1];
        change[2] = (byte) (change.length >> 8);
        change[3] = (byte) change.length;
        change[4] = 26;
        change[5] = 7;
        change[6] = (byte) (msChapId + 1);
        change[7] = (byte) (586 >> 8);
        change[8] = (byte) 586;
        Arrays.fill(change, 9, 525, (byte) 0x5a);
        Arrays.fill(change, 525, 541, (byte) 0x6b);
        Arrays.fill(change, 541, 557, (byte) 0x7c);
        Arrays.fill(change, 565, 589, (byte) 0x8d);
        byte[] success = exchange(signed(eapRequest(49, change, state), SECRET));
        assertEquals(RadiusWire.ACCESS_CHALLENGE, success[0], "the MS-CHAPv2 Success, to be acknowledged");
        byte[] successRequest = attributeValue(success, 79);
        assertEquals(3, successRequest[5], "MS-CHAPv2 Success");
        assertEquals((msChapId + 1) & 0xFF, successRequest[6] & 0xFF, "echoes the Change-Password's ID");

        org.radmfa.api.MsChapV2PasswordChange passed = (org.radmfa.api.MsChapV2PasswordChange) seen.get(1);
        assertArrayEquals(changeChallenge, passed.response().authenticatorChallenge());
        assertEquals("7c".repeat(16), hex.formatHex(passed.response().peerChallenge()));
        assertEquals("8d".repeat(24), hex.formatHex(passed.response().ntResponse()));
        assertEquals("5a".repeat(516), hex.formatHex(passed.encryptedPassword()));
        assertEquals("6b".repeat(16), hex.formatHex(passed.encryptedHash()));
        assertEquals(org.radmfa.api.AuthMethod.EAP_MSCHAPV2, passed.method());

        byte[] acknowledgement = {2, successRequest[1], 0, 6, 26, 3};
        byte[] accept = exchange(signed(eapRequest(50, acknowledgement, state), SECRET));
        assertEquals(RadiusWire.ACCESS_ACCEPT, accept[0]);
        assertEquals(3, attributeValue(accept, 79)[0], "EAP-Success");
    }

    private byte[] exchange(byte[] request) throws Exception {
        send(request, authAddress);
        byte[] response = receive();
        assertSignedResponse(response, request);
        return response;
    }

    /** The value of the first attribute of this type; EAP-Message values concatenated (RFC 3579 section 3.1). */
    private static byte[] attributeValue(byte[] packet, int type) {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        int offset = 20;
        int length = ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
        while (offset < length) {
            int attributeLength = packet[offset + 1] & 0xFF;
            if ((packet[offset] & 0xFF) == type) {
                value.write(packet, offset + 2, attributeLength - 2);
                if (type != 79) {
                    break;
                }
            }
            offset += attributeLength;
        }
        return value.toByteArray();
    }

    /** A peer that Naks EAP-MSCHAPv2 for EAP-TLS gets EAP-Failure in an Access-Reject with reason 66. */
    @Test
    void anEapNakForAMethodNotOfferedIsRejectedWithReasonNotAllowed() throws Exception {
        byte[] identity = {2, 5, 0, 10, 1, 'a', 'l', 'i', 'c', 'e'};
        byte[] first = signed(eapRequest(45, identity, null), SECRET);
        send(first, authAddress);
        byte[] challenge = receive();
        int stateOffset = RadiusWire.find(challenge, 24);
        byte[] state = Arrays.copyOfRange(challenge, stateOffset + 2, stateOffset + (challenge[stateOffset + 1] & 0xFF));
        byte[] nak = signed(eapRequest(46, new byte[] {2, 6, 0, 6, 3, 13}, state), SECRET);
        send(nak, authAddress);
        byte[] failure = receive();
        assertEquals(RadiusWire.ACCESS_REJECT, failure[0]);
        assertEquals(4, failure[RadiusWire.find(failure, 79) + 2], "EAP-Failure");
        assertEquals(1L, server.clients().get(0).rejects().get("AUTH_METHOD_NOT_ALLOWED"));
    }

    /**
     * requireMessageAuthenticator = auto (FreeRADIUS 3.2.5): accepted without one until the client sends a valid one,
     * required from then on; meanwhile limitProxyState drops unsigned requests that carry Proxy-State.
     */
    @Test
    void autoRequiresAMessageAuthenticatorOnceTheClientHasSentOne() throws Exception {
        loopback = new RadiusClient("loopback", "127.0.0.1", SharedSecret.of(SECRET), null,
                org.radmfa.api.MessageAuthenticatorPolicy.AUTO, true);
        byte[] unsigned = accessRequest(111, "alice", "right", SECRET);
        send(unsigned, authAddress);
        assertEquals(111, receive()[1] & 0xFF, "unsigned, from a client that has never signed: answered");

        AccessRequest withProxyState = new AccessRequest("alice", "right");
        withProxyState.setPacketIdentifier(112);
        addProxyStates(withProxyState);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        withProxyState.encodeRequestPacket(out, SECRET);
        send(out.toByteArray(), authAddress);
        // An unsigned request after it, answered first: the one with Proxy-State was dropped, not decided later.
        send(accessRequest(116, "alice", "right", SECRET), authAddress);
        assertEquals(116, receive()[1] & 0xFF);
        assertEquals(1, server.counters().drops("loopback", DropReason.PROXY_STATE_WITHOUT_MESSAGE_AUTHENTICATOR));
        assertTrue(received.isEmpty(), "nothing remembered yet");

        send(signed(accessRequest(113, "alice", "right", SECRET), SECRET), authAddress);
        assertEquals(113, receive()[1] & 0xFF);
        assertTrue(received.containsKey("loopback"), "the registry is told");
        assertDropped(accessRequest(114, "alice", "right", SECRET), authAddress,
                DropReason.MISSING_MESSAGE_AUTHENTICATOR);
    }

    /** optional with limitProxyState = false: a proxy's unsigned requests with Proxy-State are answered. */
    @Test
    void optionalWithoutLimitProxyStateAnswersUnsignedProxiedRequests() throws Exception {
        loopback = new RadiusClient("loopback", "127.0.0.1", SharedSecret.of(SECRET), null,
                org.radmfa.api.MessageAuthenticatorPolicy.OPTIONAL, false);
        AccessRequest proxied = new AccessRequest("alice", "right");
        proxied.setPacketIdentifier(115);
        addProxyStates(proxied);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        proxied.encodeRequestPacket(out, SECRET);
        send(out.toByteArray(), authAddress);
        byte[] response = receive();
        assertEquals(RadiusWire.ACCESS_ACCEPT, response[0]);
        assertProxyStatesEchoed(response);
    }

    @Test
    void statisticsTellABadSecretFromABadPassword() throws Exception {
        send(signed(accessRequest(90, "alice", "wrong", SECRET), SECRET), authAddress);
        assertEquals(RadiusWire.ACCESS_REJECT, receive()[0]);
        assertDropped(signed(accessRequest(91, "alice", "right", SECRET), "not-the-secret"), authAddress,
                DropReason.BAD_MESSAGE_AUTHENTICATOR);
        org.radmfa.api.ClientStatistics stats = server.clients().get(0);
        assertEquals("loopback", stats.client());
        assertEquals(LOOPBACK.secret().fingerprint(), stats.secretFingerprint());
        assertEquals(1, stats.badPassword());
        assertEquals(1, stats.badSecret());
        assertEquals(1L, stats.rejects().get("AUTHENTICATION_FAILED"));
        assertEquals(1L, stats.drops().get("BAD_MESSAGE_AUTHENTICATOR"));
        assertEquals(1L, stats.answers().get("ACCEPT"));
        assertTrue(stats.lastGoodPacket() != null);
    }

    /** RadSec (a stream transport): a client found by its certificate elsewhere, both kinds of request on one stream. */
    @Test
    void aStreamTransportsPacketsAreHandledAsDatagramsAreAndAnsweredThroughItsCallback() throws Exception {
        RadiusClient radsec = new RadiusClient("site-b", "radsec:cn=site-b", SharedSecret.of("radsec"), null,
                org.radmfa.api.MessageAuthenticatorPolicy.OPTIONAL, false);
        InetSocketAddress peer = new InetSocketAddress("192.0.2.7", 50000);
        byte[] access = accessRequest(41, "alice", "right", "radsec");
        CompletableFuture<byte[]> accepted = new CompletableFuture<>();
        server.handle(radsec, access, peer, accepted::complete);
        byte[] answer = accepted.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(RadiusWire.ACCESS_ACCEPT, answer[0]);
        assertEquals(41, answer[1]);
        byte[] copy = answer.clone();
        System.arraycopy(access, 4, copy, 4, 16);
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(copy);
        md5.update("radsec".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(md5.digest(), Arrays.copyOfRange(answer, 4, 20), "signed with the stream's secret");

        CompletableFuture<byte[]> acknowledged = new CompletableFuture<>();
        server.handle(radsec, accountingRequest(42, "stream-session", "radsec"), peer, acknowledged::complete);
        assertEquals(RadiusWire.ACCOUNTING_RESPONSE, acknowledged.get(30, java.util.concurrent.TimeUnit.SECONDS)[0]);
        assertEquals("site-b", stored.get(stored.size() - 1).clientName());

        long before = server.counters().drops("site-b", DropReason.BAD_REQUEST_AUTHENTICATOR);
        server.handle(radsec, accountingRequest(43, "forged", "not-radsec"), peer, forged -> {
            throw new AssertionError("a packet signed with another secret is answered");
        });
        assertEquals(before + 1, server.counters().drops("site-b", DropReason.BAD_REQUEST_AUTHENTICATOR));
    }
}
