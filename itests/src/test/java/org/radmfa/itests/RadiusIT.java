package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import javax.inject.Inject;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.radmfa.api.AccessRequestHandler;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.Decision;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.ReasonCode;

/**
 * Real UDP Access-Requests against the appliance inside a stock Karaf with {@code radmfa} and {@code radmfa-demo}
 * installed: accept, reject, and silence where the protocol demands it; configuration changes through
 * ConfigurationAdmin take effect without a restart.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RadiusIT extends RadmfaTestSupport {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int ANSWER_MILLIS = 5000;

    @Inject
    private ClientRegistry clientRegistry;

    @Inject
    private AccessRequestHandler pipeline;

    @Test
    public void shellShowsClientsAndTellsBadSecretFromBadPassword() throws Exception {
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", authPort())) {
            awaitDemoAnswer(client);
            RadiusTestClient.Sent wrong = client.sendPap(DEMO_USER, "not-the-password", DEMO_SECRET, DEMO_SECRET);
            assertEquals(RadiusTestClient.ACCESS_REJECT, client.receive(wrong, ANSWER_MILLIS).code());
            RadiusTestClient.Sent badSecret = client.sendPap(DEMO_USER, DEMO_PASSWORD, DEMO_SECRET, "wrong-secret");
            RadiusTestClient.Sent good = client.sendPap(DEMO_USER, DEMO_PASSWORD, DEMO_SECRET, DEMO_SECRET);
            assertEquals(RadiusTestClient.ACCESS_ACCEPT, client.receive(good, ANSWER_MILLIS).code());
            assertNull(client.receive(badSecret, 300));
        }
        String clients = shell("radmfa:clients --no-format");
        assertTrue(clients, clients.contains("localhost-demo") && clients.contains("127.0.0.1")
                && clients.contains(org.radmfa.api.SharedSecret.of(DEMO_SECRET).fingerprint()));
        assertTrue("the secret itself is never shown: " + clients, !clients.contains(DEMO_SECRET));
        String stats = shell("radmfa:stats --no-format");
        String row = stats.lines().filter(line -> line.startsWith("localhost-demo")).findFirst().orElseThrow(
                () -> new AssertionError(stats));
        String[] columns = row.trim().split("\\s+");
        // Client Secret LastGood Requests Accepts Rejects Challenges Retransmits BadSecret BadPassword Dropped
        assertTrue(row, Integer.parseInt(columns[8]) >= 1);
        assertTrue(row, Integer.parseInt(columns[9]) >= 1);

        String decisions = shell("radmfa:decisions --no-format --trace -n 50");
        assertTrue(decisions, decisions.contains("AUTHENTICATION_FAILED") && decisions.contains("ACCEPTED"));
        assertTrue(decisions, decisions.contains("network policy 'Demo VPN users' (order 10): all 1 conditions match"));

        String whatIf = shell("radmfa:policy-test --group vpn-users demo");
        assertTrue(whatIf, whatIf.contains("Use Windows authentication for all users")
                && whatIf.contains("Result: GRANT") && whatIf.contains("reply Session-Timeout=28800"));
        String mfaWhatIf = shell("radmfa:policy-test --group mfa-users someone");
        assertTrue(mfaWhatIf, mfaWhatIf.contains("Result: GRANT, MFA required"));
        String nobody = shell("radmfa:policy-test someone");
        assertTrue(nobody, nobody.contains("Result: REJECT (POLICY_DENIED)")
                && nobody.contains("Connections to other access servers"));
    }

    /** Sends the demo login until the server answers: the listener may still be opening when the test starts. */
    private RadiusTestClient.Response awaitDemoAnswer(RadiusTestClient client) throws Exception {
        RadiusTestClient.Response[] answer = new RadiusTestClient.Response[1];
        Await.until("an answer on port " + authPort(), TIMEOUT, () -> {
            try {
                RadiusTestClient.Sent sent = client.sendPap(DEMO_USER, DEMO_PASSWORD, DEMO_SECRET, DEMO_SECRET);
                // A slow first answer may arrive after the next request went out: skip answers to earlier ones.
                for (int stale = 0; stale < 5; stale++) {
                    try {
                        answer[0] = client.receive(sent, 500);
                        break;
                    } catch (AssertionError e) {
                        if (!String.valueOf(e.getMessage()).startsWith("response to identifier")) {
                            throw e;
                        }
                    }
                }
                return answer[0] != null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return answer[0];
    }

    @Test
    public void demoUserIsAcceptedWithThePolicySettings() throws Exception {
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", authPort())) {
            RadiusTestClient.Response accept = awaitDemoAnswer(client);
            assertEquals(RadiusTestClient.ACCESS_ACCEPT, accept.code());
            assertTrue("Session-Timeout of policy 'Demo VPN users'", accept.has(27));
            assertTrue("Reply-Message of policy 'Demo VPN users'", accept.has(18));
            // The demo client does not require a Message-Authenticator (plain radtest works).
            RadiusTestClient.Sent plain = client.sendPap(DEMO_USER, DEMO_PASSWORD, DEMO_SECRET, null);
            assertEquals(RadiusTestClient.ACCESS_ACCEPT, client.receive(plain, ANSWER_MILLIS).code());
        }
    }

    @Test
    public void wrongPasswordAndMfaWithoutConnectorAreRejected() throws Exception {
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", authPort())) {
            awaitDemoAnswer(client);
            RadiusTestClient.Sent wrong = client.sendPap(DEMO_USER, "not-the-password", DEMO_SECRET, DEMO_SECRET);
            RadiusTestClient.Response reject = client.receive(wrong, ANSWER_MILLIS);
            assertEquals(RadiusTestClient.ACCESS_REJECT, reject.code());
            assertEquals("a reject carries only its Message-Authenticator", 38, reject.packet().length);
            RadiusTestClient.Sent mfa = client.sendPap("mfa-demo", "mfa-demo-password", DEMO_SECRET, DEMO_SECRET);
            assertEquals(RadiusTestClient.ACCESS_REJECT, client.receive(mfa, ANSWER_MILLIS).code());
        }
        // The reason behind the second reject, through the pipeline service itself.
        AuthenticationRequest request = new AuthenticationRequest("itest-1",
                clientRegistry.find(java.net.InetAddress.getLoopbackAddress()).orElseThrow(),
                new InetSocketAddress("127.0.0.1", 1), "mfa-demo", new PapCredentials("mfa-demo-password"), List.of(),
                Instant.now());
        Decision decision = pipeline.handle(request).toCompletableFuture().get();
        assertEquals(Decision.Outcome.REJECT, decision.outcome());
        assertEquals(ReasonCode.MFA_UNAVAILABLE, decision.reason());
        assertEquals("Demo MFA users", decision.policyName());
    }

    @Test
    public void unknownClientAndWrongSecretGetNoAnswer() throws Exception {
        try (RadiusTestClient known = new RadiusTestClient("127.0.0.1", authPort());
                RadiusTestClient stranger = new RadiusTestClient("127.0.0.2", authPort())) {
            awaitDemoAnswer(known);
            RadiusTestClient.Sent fromStranger = stranger.sendPap(DEMO_USER, DEMO_PASSWORD, DEMO_SECRET, DEMO_SECRET);
            RadiusTestClient.Sent badSecret = known.sendPap(DEMO_USER, DEMO_PASSWORD, DEMO_SECRET, "wrong-secret");
            // One listener thread reads datagrams in arrival order: once this later request is answered, the
            // two before it have been handled, and an answer to them would already be waiting.
            RadiusTestClient.Sent good = known.sendPap(DEMO_USER, DEMO_PASSWORD, DEMO_SECRET, DEMO_SECRET);
            RadiusTestClient.Response first = known.receive(good, ANSWER_MILLIS);
            assertNotNull(first);
            assertEquals(RadiusTestClient.ACCESS_ACCEPT, first.code());
            assertNull("answer to an unregistered address", stranger.receive(fromStranger, 300));
            assertNull("answer to a wrong Message-Authenticator", known.receive(badSecret, 300));
        }
    }

    @Test
    public void aNewClientConfigurationAppliesWithoutRestart() throws Exception {
        Configuration added = configurationAdmin.getFactoryConfiguration("org.radmfa.client", "itest", "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("name", "itest-client");
        properties.put("address", "127.0.0.3");
        properties.put("secret", "itest-secret");
        added.update(properties);
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.3", authPort())) {
            RadiusTestClient.Response[] answer = new RadiusTestClient.Response[1];
            Await.until("the new client 127.0.0.3 is answered", TIMEOUT, () -> {
                try {
                    RadiusTestClient.Sent sent = client.sendPap(DEMO_USER, DEMO_PASSWORD, "itest-secret",
                            "itest-secret");
                    answer[0] = client.receive(sent, 300);
                    return answer[0] != null;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(RadiusTestClient.ACCESS_ACCEPT, answer[0].code());
            // The clear secret is sealed in place by the vault; the client keeps working with the same secret.
            Await.until("the new client's secret sealed", TIMEOUT,
                    () -> String.valueOf(added.getProperties().get("secret")).startsWith("{aes-gcm}"));
            RadiusTestClient.Sent again = client.sendPap(DEMO_USER, DEMO_PASSWORD, "itest-secret", "itest-secret");
            assertEquals(RadiusTestClient.ACCESS_ACCEPT, client.receive(again, ANSWER_MILLIS).code());
        } finally {
            added.delete();
        }
        Await.until("the deleted client is gone", TIMEOUT,
                () -> clientRegistry.clients().stream().noneMatch(c -> c.name().equals("itest-client")));
    }

    /**
     * MS-CHAPv2 end to end with the exchange of RFC 2759 section 9.2 (user "User", password "clientPass"): the user
     * is added with a clear password and msChapV2 = true, which the appliance replaces by its PBKDF2 and NT hashes;
     * the answer carries the RFC's authenticator response and, hidden with the secret, RFC 3079's send key.
     */
    @Test
    public void msChapV2WithTheRfc2759ExchangeGetsSuccessAndMppeKeys() throws Exception {
        Configuration user = configurationAdmin.getFactoryConfiguration("org.radmfa.user", "rfc2759", "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("name", "User");
        properties.put("password", "clientPass");
        properties.put("msChapV2", "true");
        properties.put("groups", "vpn-users");
        user.update(properties);
        java.util.HexFormat hex = java.util.HexFormat.of();
        try {
            Await.until("the clear password replaced by its hashes", TIMEOUT, () -> {
                Dictionary<String, Object> stored = user.getProperties();
                return stored.get("password") == null && stored.get("passwordHash") != null
                        && "44ebba8d5312b8d611474411f56989ae".equals(stored.get("ntHash"));
            });
            try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", authPort())) {
                awaitDemoAnswer(client);
                RadiusTestClient.Response[] answer = new RadiusTestClient.Response[1];
                RadiusTestClient.Sent[] sent = new RadiusTestClient.Sent[1];
                Await.until("user 'User' accepted with MS-CHAPv2", TIMEOUT, () -> {
                    try {
                        sent[0] = client.sendMsChapV2("User", 7, hex.parseHex("5b5d7c7d7b3f2f3e3c2c602132262628"),
                                hex.parseHex("21402324255e262a28295f2b3a337c7e"),
                                hex.parseHex("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df"), DEMO_SECRET);
                        answer[0] = client.receive(sent[0], ANSWER_MILLIS);
                        return answer[0] != null && answer[0].code() == RadiusTestClient.ACCESS_ACCEPT;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                byte[] success = answer[0].microsoft(26);
                assertEquals(7, success[0]);
                assertEquals("S=407A5589115FD0D6209F510FE9C04566932CDA56",
                        new String(success, 1, success.length - 1, java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals("8b7cdc149b993a1ba118cb153f56dccb",
                        hex.formatHex(RadiusTestClient.unhideMppeKey(answer[0].microsoft(16), sent[0])));
                assertTrue("Session-Timeout of the demo policy as well", answer[0].has(27));

                RadiusTestClient.Sent wrong = client.sendMsChapV2("User", 8,
                        hex.parseHex("5b5d7c7d7b3f2f3e3c2c602132262628"), hex.parseHex("21402324255e262a28295f2b3a337c7e"),
                        new byte[24], DEMO_SECRET);
                RadiusTestClient.Response reject = client.receive(wrong, ANSWER_MILLIS);
                assertEquals(RadiusTestClient.ACCESS_REJECT, reject.code());
                byte[] error = reject.microsoft(2);
                assertEquals(8, error[0]);
                assertTrue(new String(error, 1, error.length - 1, java.nio.charset.StandardCharsets.US_ASCII)
                        .startsWith("E=691 R=0 C=5B5D7C7D7B3F2F3E3C2C602132262628 V=3"));
                assertNull("no keys on a reject", reject.microsoft(16));
            }
        } finally {
            user.delete();
        }
    }

    /** Karaf's JMX whiteboard serves the counters, and they follow real traffic. */
    @Test
    public void countersAreReadableAsJmxMBeans() throws Exception {
        MBeanServer server = bundleContext.getService(bundleContext.getServiceReference(MBeanServer.class));
        ObjectName name = new ObjectName("org.radmfa:type=RadiusStatistics");
        Await.until("the radmfa MBean registered", TIMEOUT, () -> server.isRegistered(name));
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", authPort())) {
            awaitDemoAnswer(client);
            long accepts = (Long) server.getAttribute(name, "Accepts");
            long badPassword = (Long) server.getAttribute(name, "BadPassword");
            RadiusTestClient.Sent good = client.sendPap(DEMO_USER, DEMO_PASSWORD, DEMO_SECRET, DEMO_SECRET);
            assertEquals(RadiusTestClient.ACCESS_ACCEPT, client.receive(good, ANSWER_MILLIS).code());
            RadiusTestClient.Sent wrong = client.sendPap(DEMO_USER, "not-the-password", DEMO_SECRET, DEMO_SECRET);
            assertEquals(RadiusTestClient.ACCESS_REJECT, client.receive(wrong, ANSWER_MILLIS).code());
            Await.until("Accepts and BadPassword counted", TIMEOUT, () -> {
                try {
                    return (Long) server.getAttribute(name, "Accepts") >= accepts + 1
                            && (Long) server.getAttribute(name, "BadPassword") >= badPassword + 1;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        CompositeData[] clients = (CompositeData[]) server.getAttribute(name, "Clients");
        CompositeData demo = java.util.Arrays.stream(clients).filter(c -> "localhost-demo".equals(c.get("client")))
                .findFirst().orElseThrow(() -> new AssertionError(java.util.Arrays.toString(clients)));
        assertTrue(demo.toString(), (Long) demo.get("accepts") >= 1 && (Long) demo.get("requests") >= 2);
        assertEquals(org.radmfa.api.SharedSecret.of(DEMO_SECRET).fingerprint(), demo.get("secretFingerprint"));
    }

    /**
     * A policy naming a group that no directory has is refused, with the file, the key and the reason, and is
     * loaded by itself once a user of that group is defined: policies and users often arrive together.
     */
    @Test
    public void aPolicyNamingAnUnknownGroupIsRefusedUntilTheGroupExists() throws Exception {
        Configuration policy = configurationAdmin.getFactoryConfiguration("org.radmfa.policy", "itest-late", "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("name", "Late group deny");
        properties.put("order", "5");
        properties.put("access", "deny");
        properties.put("condition.userGroups", "late-group");
        policy.update(properties);
        Configuration user = configurationAdmin.getFactoryConfiguration("org.radmfa.user", "itest-late", "?");
        try {
            java.nio.file.Path log = java.nio.file.Paths.get(System.getProperty("karaf.data"), "log", "karaf.log");
            Await.until("the refusal in karaf.log", TIMEOUT, () -> {
                try {
                    return java.nio.file.Files.readString(log).contains("key 'condition.userGroups': group"
                            + " 'late-group' exists in no directory (local)");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            String before = shell("radmfa:policy-test --group late-group demo");
            assertTrue(before, !before.contains("Late group deny"));

            Dictionary<String, Object> member = new Hashtable<>();
            member.put("name", "late-user");
            member.put("password", "late-password");
            member.put("groups", "late-group");
            user.update(member);
            Await.until("the policy loaded once its group exists", TIMEOUT, () -> {
                try {
                    return shell("radmfa:policy-test --group late-group demo").contains(
                            "network policy 'Late group deny' (order 5): all 1 conditions match -> deny");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        } finally {
            policy.delete();
            user.delete();
        }
    }
}
