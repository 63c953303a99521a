package org.radmfa.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * EAP-TLS fragments from a hostile peer (issue 22), black-box over real UDP against the assembly: an announced TLS
 * Message Length above the bound, endless fragments, a response to a request never sent, data where an
 * acknowledgement belongs and the reverse, steps of a conversation that has ended, a flood of EAP-TLS starts beyond
 * the conversation bound, and a fuzzer of EAP-TLS responses inside live conversations. Every well-formed RADIUS
 * request is answered (a reject carries EAP-Failure and is counted with its reason); an EAP packet that is not a
 * valid response is dropped and counted, and nothing else is lost.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class EapTlsHostileInputIT {
    private static final String SECRET = "testing123";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration RADIUS_TIMEOUT = Duration.ofSeconds(90);
    private static final int ANSWER_MILLIS = 30_000;
    /** Small, so that the flood reaches it; the defaults are in docs/eap.md. */
    private static final int MAX_SESSIONS = 40;
    private static final int MAX_FRAGMENTS = 64;
    private static final int EAP_REQUEST = 1;
    private static final int EAP_FAILURE = 4;
    private static final int TYPE_TLS = 13;

    private static final String PKI = """
            set -e
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj "/CN=hostile test CA" \\
                -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=radius.example"
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -out server.pem
            """;

    private static RunningAppliance appliance;
    private static Path pki;

    /** A conversation the server has just opened with an EAP-TLS Start. */
    private record Opened(byte[] state, int identifier) {
    }

    @BeforeClass
    public static void startAppliance() throws Exception {
        if (!Commands.onPath("openssl")) {
            fail("openssl not found (./test.sh installs it when run as root)");
        }
        Path itestDir = Files.createDirectories(Paths.get(property("radmfa.itest.dir")));
        pki = Files.createTempDirectory(itestDir, "eap-hostile-pki-");
        Commands.Result made = Commands.run(pki, System.getenv(), PKI, Duration.ofSeconds(120), List.of("bash", "-s"));
        assertEquals("openssl made the test PKI: " + made, 0, made.exitCode);
        appliance = new RunningAppliance(Paths.get(property("radmfa.assembly.dir")).toRealPath(), itestDir,
                "eap-hostile", List.of());
        Files.writeString(appliance.home.resolve("etc/org.radmfa.eap.tls.cfg"), "certificateFile = "
                + pki.resolve("server.pem") + "\nprivateKeyFile = " + pki.resolve("server.key") + "\ntrustedCaFile = "
                + pki.resolve("ca.pem") + "\nmaxSessions = " + MAX_SESSIONS + "\nmaxFragments = " + MAX_FRAGMENTS
                + "\nmaxMessageSize = 16384\nfragmentSize = 1024\n");
        appliance.start(START_TIMEOUT);
        Await.until("EAP-TLS configured", RADIUS_TIMEOUT, () -> karafLog().contains("EAP-TLS from"));
        Await.until("a RADIUS answer to the demo user", RADIUS_TIMEOUT, () -> appliance.run(
                "User-Name = demo\nUser-Password = demo-password\n", "radclient", "-r", "1", "-t", "1",
                "127.0.0.1:" + appliance.authPort, "auth", SECRET).output.contains("Received Access-"));
    }

    @AfterClass
    public static void stopAppliance() throws Exception {
        try {
            if (appliance != null) {
                appliance.close();
            }
        } finally {
            if (pki != null) {
                RunningAppliance.deleteTree(pki);
            }
        }
    }

    @Test
    public void test1_anAnnouncedTlsMessageLengthAboveTheBoundIsRejectedBeforeAnythingIsHeld() throws IOException {
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", appliance.authPort)) {
            Opened opened = openEapTls(client, "hostile-length");
            long before = count("MALFORMED_REQUEST");
            // L and M flags, a TLS Message Length of 2^31 - 1, and the first 100 octets of it.
            byte[] fragment = response(opened.identifier(), 0xC0, 0x7FFFFFFFL, new byte[100]);
            assertEapFailure(client.receive(client.sendEap("hostile-length", fragment, opened.state(), SECRET),
                    ANSWER_MILLIS));
            awaitCount("rejects with reason MALFORMED_REQUEST", () -> count("MALFORMED_REQUEST"), before + 1);
            Await.until("the refusal logged", RADIUS_TIMEOUT, () -> karafLog().contains(
                    "announced a TLS message of 2147483647 octets, more than 16384"));
        }
    }

    @Test
    public void test2_endlessFragmentsEndTheConversationAtTheFragmentBound() throws IOException {
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", appliance.authPort)) {
            Opened opened = openEapTls(client, "hostile-endless");
            int identifier = opened.identifier();
            for (int sent = 1; sent <= 1000; sent++) {
                RadiusTestClient.Response answer = client.receive(client.sendEap("hostile-endless",
                        response(identifier, 0x40, -1, new byte[200]), opened.state(), SECRET), ANSWER_MILLIS);
                assertNotNull("an answer to fragment " + sent, answer);
                if (answer.code() == RadiusTestClient.ACCESS_REJECT) {
                    assertEapFailure(answer);
                    // 64 fragments of 200 octets are 12,800, below maxMessageSize: the fragment count ends it.
                    assertEquals("the fragment that went beyond maxFragments is refused", MAX_FRAGMENTS + 1, sent);
                    Await.until("the refusal logged", RADIUS_TIMEOUT, () -> karafLog().contains(
                            "the peer sent more than " + MAX_FRAGMENTS + " fragments"));
                    return;
                }
                // Each fragment with more to come is acknowledged by an empty EAP-TLS request of the next identifier.
                byte[] ack = answer.eapMessage();
                assertEquals(RadiusTestClient.ACCESS_CHALLENGE, answer.code());
                assertArrayEquals(new byte[] {EAP_REQUEST, (byte) (identifier + 1), 0, 6, TYPE_TLS, 0}, ack);
                identifier = ack[1] & 0xFF;
            }
            fail("a thousand fragments and no end");
        }
    }

    @Test
    public void test3_aResponseToARequestNeverSentIsDroppedAndCountedAndTheConversationGoesOn() throws IOException {
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", appliance.authPort)) {
            Opened opened = openEapTls(client, "hostile-order");
            long dropped = count("MALFORMED_EAP");
            // An identifier the server has not used: a late, replayed or forged fragment.
            RadiusTestClient.Sent stray = client.sendEap("hostile-order",
                    response(opened.identifier() + 100, 0x40, -1, new byte[50]), opened.state(), SECRET);
            awaitCount("the stray fragment counted as MALFORMED_EAP", () -> count("MALFORMED_EAP"), dropped + 1);
            assertEquals("no answer to the dropped fragment", null, client.receive(stray, 1));
            RadiusTestClient.Response answer = client.receive(client.sendEap("hostile-order",
                    response(opened.identifier(), 0x40, -1, new byte[50]), opened.state(), SECRET), ANSWER_MILLIS);
            assertEquals(RadiusTestClient.ACCESS_CHALLENGE, answer.code());
            assertArrayEquals(new byte[] {EAP_REQUEST, (byte) (opened.identifier() + 1), 0, 6, TYPE_TLS, 0},
                    answer.eapMessage());
        }
    }

    @Test
    public void test4_anAcknowledgementWhereTlsDataBelongsEndsTheConversationAndLaterStepsAreRejected()
            throws IOException {
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", appliance.authPort)) {
            Opened opened = openEapTls(client, "hostile-ack");
            assertEapFailure(client.receive(client.sendEap("hostile-ack", response(opened.identifier(), 0, -1,
                    new byte[0]), opened.state(), SECRET), ANSWER_MILLIS));
            // The conversation has ended: its State is answered, with a reject, never silence.
            long before = count("MALFORMED_REQUEST");
            assertEapFailure(client.receive(client.sendEap("hostile-ack", response(opened.identifier() + 1, 0x40, -1,
                    new byte[10]), opened.state(), SECRET), ANSWER_MILLIS));
            awaitCount("rejects with reason MALFORMED_REQUEST", () -> count("MALFORMED_REQUEST"), before + 1);
            Await.until("the unknown conversation logged", RADIUS_TIMEOUT, () -> karafLog().contains(
                    "empty EAP-TLS response where TLS data was expected"));
        }
    }

    @Test
    public void test5_dataWhileTheServersFlightIsStillBeingFragmentedIsRejected() throws Exception {
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", appliance.authPort)) {
            Opened opened = openEapTls(client, "hostile-interleave");
            RadiusTestClient.Response flight = client.receive(client.sendEap("hostile-interleave",
                    response(opened.identifier(), 0, -1, clientHello()), opened.state(), SECRET), ANSWER_MILLIS);
            assertEquals(RadiusTestClient.ACCESS_CHALLENGE, flight.code());
            byte[] first = flight.eapMessage();
            // ServerHello ... with an RSA-2048 certificate is more than one 1024-octet fragment: L and M set.
            assertEquals("the server's first fragment has L and M", 0xC0, first[5] & 0xC0);
            byte[] more = clientHello();
            assertEapFailure(client.receive(client.sendEap("hostile-interleave", response(first[1] & 0xFF, 0, -1,
                    more), opened.state(), SECRET), ANSWER_MILLIS));
            Await.until("the refusal logged", RADIUS_TIMEOUT, () -> karafLog().contains(
                    "the peer sent data while the server's message was still being fragmented"));
        }
    }

    /**
     * Mutated EAP-TLS responses inside live conversations, all sent at once: each is either answered (a challenge or
     * a reject) or dropped and counted as MALFORMED_EAP, and the two add up to what was sent.
     */
    @Test
    public void test6_fuzzedEapTlsResponsesAreEachAnsweredOrDroppedAndCounted() throws Exception {
        Random random = new Random(20261205L);
        int perConversation = 40;
        int conversations = 5;
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", appliance.authPort)) {
            long droppedBefore = count("MALFORMED_EAP");
            // Every conversation is opened before the first fuzzed request goes: an answer to a fuzzed request
            // arriving while the next conversation was being opened was read as that opening's answer.
            List<Opened> opened = new ArrayList<>();
            for (int c = 0; c < conversations; c++) {
                opened.add(openEapTls(client, "fuzz-" + c));
            }
            Map<Integer, RadiusTestClient.Sent> outstanding = new HashMap<>();
            for (int c = 0; c < conversations; c++) {
                for (int i = 0; i < perConversation; i++) {
                    RadiusTestClient.Sent sent = client.sendEap("fuzz-" + c, mutated(opened.get(c).identifier(),
                            random), opened.get(c).state(), SECRET);
                    outstanding.put(sent.id(), sent);
                }
            }
            int sent = outstanding.size();
            assertEquals("distinct RADIUS identifiers", conversations * perConversation, sent);
            int answered = 0;
            long deadline = System.nanoTime() + RADIUS_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                RadiusTestClient.Response answer = client.receiveAny(outstanding, 2_000);
                if (answer != null) {
                    answered++;
                    assertTrue("a challenge or a reject", answer.code() == RadiusTestClient.ACCESS_CHALLENGE
                            || answer.code() == RadiusTestClient.ACCESS_REJECT);
                } else if (answered + count("MALFORMED_EAP") - droppedBefore >= sent) {
                    break;
                }
            }
            long dropped = count("MALFORMED_EAP") - droppedBefore;
            System.out.printf("EapTlsHostileInputIT fuzz: %d sent, %d answered, %d dropped as MALFORMED_EAP%n", sent,
                    answered, dropped);
            assertEquals("every fuzzed request answered or dropped and counted", sent, answered + dropped);
            assertTrue("some were answered: " + answered, answered > 0);
            assertTrue("some were dropped: " + dropped, dropped > 0);
        }
        assertTrue("a password login still works", appliance.run("User-Name = demo\nUser-Password = demo-password\n",
                "radclient", "-r", "3", "-t", "10", "127.0.0.1:" + appliance.authPort, "auth", SECRET).output
                .contains("Received Access-Accept"));
    }

    /**
     * More EAP-TLS starts than maxSessions, all left half-finished: the table is full at maxSessions, every start
     * beyond is answered with Access-Reject (reason SERVICE_UNAVAILABLE), and nothing goes unanswered. (The heap each
     * half-finished conversation holds is measured in the bundle's EapTlsFloodTest.)
     */
    @Test
    public void test9_aFloodOfEapTlsStartsIsBoundedAndEveryStartIsAnswered() throws IOException {
        long unavailableBefore = count("SERVICE_UNAVAILABLE");
        int starts = MAX_SESSIONS + 20;
        int opened = 0;
        int refused = 0;
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", appliance.authPort)) {
            for (int i = 0; i < starts; i++) {
                RadiusTestClient.Response started = startEapTls(client, "flood-" + i);
                if (started.code() == RadiusTestClient.ACCESS_CHALLENGE) {
                    opened++;
                } else {
                    assertEapFailure(started);
                    refused++;
                }
            }
        }
        System.out.printf("EapTlsHostileInputIT flood: %d starts, %d conversations opened, %d refused%n", starts,
                opened, refused);
        assertEquals(starts, opened + refused);
        assertTrue("at most maxSessions open: " + opened, opened <= MAX_SESSIONS);
        assertTrue("the starts beyond maxSessions refused: " + refused, refused >= starts - MAX_SESSIONS);
        awaitCount("rejects with reason SERVICE_UNAVAILABLE", () -> count("SERVICE_UNAVAILABLE"),
                unavailableBefore + refused);
    }

    /** EAP-Response/Identity, then a Nak asking for EAP-TLS: the server's answer to the Nak. */
    private static RadiusTestClient.Response startEapTls(RadiusTestClient client, String user) throws IOException {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        byte[] identity = new byte[5 + name.length];
        identity[0] = 2;
        identity[1] = 1;
        identity[3] = (byte) identity.length;
        identity[4] = 1;
        System.arraycopy(name, 0, identity, 5, name.length);
        RadiusTestClient.Response offered = client.receive(client.sendEap(user, identity, null, SECRET),
                ANSWER_MILLIS);
        assertNotNull("an answer to the identity of " + user, offered);
        assertEquals(RadiusTestClient.ACCESS_CHALLENGE, offered.code());
        byte[] request = offered.eapMessage();
        if ((request[4] & 0xFF) == TYPE_TLS) {
            return offered; // a policy that offers EAP-TLS first
        }
        byte[] nak = {2, request[1], 0, 6, 3, TYPE_TLS};
        RadiusTestClient.Response started = client.receive(client.sendEap(user, nak, offered.attribute(24), SECRET),
                ANSWER_MILLIS);
        assertNotNull("an answer to the Nak of " + user, started);
        return started;
    }

    private static Opened openEapTls(RadiusTestClient client, String user) throws IOException {
        RadiusTestClient.Response started = startEapTls(client, user);
        assertEquals("EAP-TLS started for " + user, RadiusTestClient.ACCESS_CHALLENGE, started.code());
        byte[] start = started.eapMessage();
        assertArrayEquals("EAP-TLS Start", new byte[] {EAP_REQUEST, start[1], 0, 6, TYPE_TLS, 0x20}, start);
        return new Opened(started.attribute(24), start[1] & 0xFF);
    }

    /** An EAP-TLS response (RFC 5216 section 3.2): flags, the TLS Message Length when L is set, the data. */
    private static byte[] response(int identifier, int flags, long tlsLength, byte[] data) {
        int header = (flags & 0x80) != 0 ? 10 : 6;
        byte[] packet = new byte[header + data.length];
        packet[0] = 2;
        packet[1] = (byte) identifier;
        packet[2] = (byte) (packet.length >> 8);
        packet[3] = (byte) packet.length;
        packet[4] = TYPE_TLS;
        packet[5] = (byte) flags;
        if (header == 10) {
            ByteBuffer.wrap(packet, 6, 4).putInt((int) tlsLength);
        }
        System.arraycopy(data, 0, packet, header, data.length);
        return packet;
    }

    /** A response a hostile or broken peer might send in the middle of a conversation. */
    private static byte[] mutated(int identifier, Random random) {
        int id = random.nextInt(4) == 0 ? random.nextInt(256) : identifier;
        int flags = random.nextInt(256);
        long length = switch (random.nextInt(3)) {
            case 0 -> random.nextInt(20_000);
            case 1 -> random.nextLong() & 0xFFFFFFFFL;
            default -> -1;
        };
        byte[] data = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(1200)];
        random.nextBytes(data);
        if (random.nextInt(4) == 0 && data.length > 5) {
            data[0] = 0x16; // the start of a TLS handshake record, so that some reach BouncyCastle
            data[1] = 3;
            data[2] = 3;
        }
        byte[] packet = response(id, flags, length, data);
        switch (random.nextInt(6)) {
            case 0 -> packet[3] = (byte) random.nextInt(256); // EAP Length that disagrees
            case 1 -> packet[0] = (byte) random.nextInt(6); // another EAP Code
            case 2 -> packet[4] = (byte) random.nextInt(60); // another EAP Type (3: a Nak mid-conversation)
            case 3 -> packet = Arrays.copyOf(packet, Math.max(1, random.nextInt(packet.length)));
            default -> {
                // as built: well-formed but for its flags, length and content
            }
        }
        return packet;
    }

    /** A TLS ClientHello as the JDK's TLS client makes it. */
    private static byte[] clientHello() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("radius.example", 1812);
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    private static void assertEapFailure(RadiusTestClient.Response answer) {
        assertNotNull("an answer", answer);
        assertEquals(RadiusTestClient.ACCESS_REJECT, answer.code());
        byte[] eap = answer.eapMessage();
        assertNotNull("the reject carries EAP-Failure", eap);
        assertEquals(EAP_FAILURE, eap[0]);
    }

    /**
     * A reject or drop reason counted by radmfa:stats -v ("REASON=n" in its by-reason columns), summed over the
     * clients: MALFORMED_EAP is a drop, the others are reasons of rejects.
     */
    private static long count(String reason) {
        String stats = appliance.shell("radmfa:stats -v --no-format");
        long total = 0;
        Matcher matcher = Pattern.compile("\\b" + reason + "=(\\d+)").matcher(stats);
        while (matcher.find()) {
            total += Long.parseLong(matcher.group(1));
        }
        return total;
    }

    private static void awaitCount(String what, java.util.function.LongSupplier count, long atLeast) {
        Await.until(what + " >= " + atLeast, RADIUS_TIMEOUT, () -> count.getAsLong() >= atLeast);
    }

    private static String karafLog() {
        try {
            return Files.readString(appliance.home.resolve("data/log/karaf.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set (run through Maven)");
        }
        return value;
    }
}
