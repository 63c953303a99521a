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

    /** Sends the demo login until the server answers: the listener may still be opening when the test starts. */
    private RadiusTestClient.Response awaitDemoAnswer(RadiusTestClient client) throws Exception {
        RadiusTestClient.Response[] answer = new RadiusTestClient.Response[1];
        Await.until("an answer on port " + authPort(), TIMEOUT, () -> {
            try {
                RadiusTestClient.Sent sent = client.sendPap(DEMO_USER, DEMO_PASSWORD, DEMO_SECRET, DEMO_SECRET);
                answer[0] = client.receive(sent, 500);
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

        } finally {
            added.delete();
        }
        Await.until("the deleted client is gone", TIMEOUT,
                () -> clientRegistry.clients().stream().noneMatch(c -> c.name().equals("itest-client")));
    }
}
