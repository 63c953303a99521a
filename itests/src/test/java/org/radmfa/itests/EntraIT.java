package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import static org.ops4j.pax.exam.CoreOptions.vmOption;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.radmfa.mfa.entra.internal.EntraEmulator;

/**
 * The Entra connector inside the appliance's own distribution, through MSAL4J, against the local HTTPS emulator: a push approved after a delay
 * accepts, a denial rejects, a gateway's retries join the one push, and the connector bundle is replaced
 * ({@code bundle:update}) under concurrent MFA load without losing an answer or accepting anyone without an
 * approved push.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EntraIT extends RadmfaTestSupport {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Override
    protected String[] extraFeatures() {
        return new String[] {"radmfa-mfa-entra"};
    }

    /** msal4j (and the emulator) use com.sun.net.httpserver, which the appliance's distribution exports. */
    @Override
    protected boolean onTheAssembly() {
        return true;
    }

    @Override
    protected Option[] additionalOptions() {
        return new Option[] {vmOption("-Djava.util.concurrent.ForkJoinPool.common.parallelism=2")};
    }

    /** The emulator runs inside Karaf with the test: its classes travel in the probe. */
    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        return probeWith(probe, EntraEmulator.class, RadmfaTestSupport.class, RadiusTestClient.class, Await.class);
    }

    private CompletableFuture<Integer> login(String callingStationId) {
        return CompletableFuture.supplyAsync(() -> {
            try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", authPort())) {
                RadiusTestClient.Sent sent = client.sendPap("mfa-demo", "mfa-demo-password", DEMO_SECRET, DEMO_SECRET,
                        null, callingStationId);
                RadiusTestClient.Response response = client.receive(sent, 30_000);
                return response == null ? -1 : response.code();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> new Thread(runnable, "entra-it-login").start());
    }

    @Test
    public void pushesThroughMsalJoinRetriesAndSurviveAConnectorSwapUnderLoad() throws Exception {
        try (EntraEmulator emulator = EntraEmulator.start(0)) {
            emulator.addUser("mfa-demo", null, null, Set.of("push"), EntraEmulator.Outcome.APPROVE,
                    Duration.ofMillis(1500));
            Map<String, Object> entra = new java.util.LinkedHashMap<>(emulator.configuration());
            entra.put("userLookup", "upn");
            entra.put("pollIntervalMillis", "200");
            configureEntra(entra);
            configure("org.radmfa.pipeline", Map.of("mfaConnector.target", "(connector=entra)",
                    "mfaTimeoutSeconds", "20", "mfaMaxPushes", "0"));
            Await.until("the Entra connector answers", TIMEOUT,
                    () -> login("192.0.2.1").join() == RadiusTestClient.ACCESS_ACCEPT);
            assertEquals("one token for every push so far (MSAL's cache)", 1, emulator.tokenRequests());

            // A gateway retrying the same login (same user and Calling-Station-Id) joins the pending push.
            int before = emulator.authenticationsStarted();
            List<CompletableFuture<Integer>> retries = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                retries.add(login("192.0.2.2"));
            }
            for (CompletableFuture<Integer> retry : retries) {
                assertEquals(RadiusTestClient.ACCESS_ACCEPT, (int) retry.get(30, TimeUnit.SECONDS));
            }
            assertEquals("three requests of one login, one push", before + 1, emulator.authenticationsStarted());

            // A denied push is a reject.
            emulator.addUser("mfa-demo", null, null, Set.of("push"), EntraEmulator.Outcome.DENY, Duration.ZERO);
            assertEquals(RadiusTestClient.ACCESS_REJECT, (int) login("192.0.2.3").get(30, TimeUnit.SECONDS));

            // Hot swap: 10 logins pending on the connector (approval after 3 s), then bundle:update of the
            // connector, then 10 more logins on its successor.
            emulator.addUser("mfa-demo", null, null, Set.of("push"), EntraEmulator.Outcome.APPROVE,
                    Duration.ofSeconds(3));
            int pushesBefore = emulator.authenticationsStarted();
            List<CompletableFuture<Integer>> pending = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                pending.add(login("198.51.100." + i));
            }
            assertTrue("10 pushes pending", emulator.awaitAuthenticationsStarted(pushesBefore + 10,
                    Duration.ofSeconds(30)));
            Bundle connector = java.util.Arrays.stream(bundleContext.getBundles())
                    .filter(b -> "org.radmfa.mfa-entra".equals(b.getSymbolicName())).findFirst().orElseThrow();
            connector.update();
            List<CompletableFuture<Integer>> after = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                after.add(login("203.0.113." + i));
            }
            int answered = 0;
            int accepted = 0;
            for (CompletableFuture<Integer> login : pending) {
                int code = login.get(30, TimeUnit.SECONDS);
                assertTrue("answered: " + code, code == RadiusTestClient.ACCESS_ACCEPT
                        || code == RadiusTestClient.ACCESS_REJECT);
                answered++;
                accepted += code == RadiusTestClient.ACCESS_ACCEPT ? 1 : 0;
            }
            int acceptedAfter = 0;
            for (CompletableFuture<Integer> login : after) {
                int code = login.get(30, TimeUnit.SECONDS);
                assertTrue("answered: " + code, code == RadiusTestClient.ACCESS_ACCEPT
                        || code == RadiusTestClient.ACCESS_REJECT);
                answered++;
                acceptedAfter += code == RadiusTestClient.ACCESS_ACCEPT ? 1 : 0;
            }
            int pushes = emulator.authenticationsStarted() - pushesBefore;
            System.out.printf("hot swap: 20 logins, %d answered, %d accepted before the swap (on the old connector),"
                    + " %d after, %d pushes started%n", answered, accepted, acceptedAfter, pushes);
            assertEquals("no login unanswered", 20, answered);
            assertTrue("no accept without a push: " + (accepted + acceptedAfter) + " accepts, " + pushes + " pushes",
                    accepted + acceptedAfter <= pushes);
            assertTrue("logins after the swap are served by the new connector: " + acceptedAfter,
                    acceptedAfter >= 8);
        }
    }

    /**
     * The operator's way in: radmfa:entra-setup makes the certificate and the configuration and prints the commands
     * for the Entra administrator; until the certificate is attached, radmfa:entra-check names AADSTS700027; once it
     * is (here: the emulator is given the certificate printed, as Graph would be), the token and a real push pass,
     * signed in with the certificate.
     */
    @Test
    public void entraSetupThenEntraCheckProveTheChainStepByStep() throws Exception {
        try (EntraEmulator emulator = EntraEmulator.start(0)) {
            emulator.addUser("mfa-demo", null, null, Set.of("push"), EntraEmulator.Outcome.APPROVE,
                    Duration.ofMillis(500));
            Map<String, Object> entra = new java.util.LinkedHashMap<>(emulator.configuration());
            entra.put("pollIntervalMillis", "200");
            configureEntra(entra);
            awaitEntraCheck("the Entra connector configured with the secret", "2. token: OK");

            String setup = shell("radmfa:entra-setup " + EntraEmulator.TENANT);
            assertTrue(setup, setup.contains("CN=" + EntraEmulator.TENANT + ", OU=Microsoft NPS Extension"));
            assertTrue(setup, setup.contains("New-MgServicePrincipal -AppId 981f26a1-7f43-403b-a875-f8b09b8cd720"));
            java.util.regex.Matcher printed = java.util.regex.Pattern.compile("FromBase64String\\(\"([A-Za-z0-9+/=]+)\"\\)")
                    .matcher(setup);
            assertTrue(setup, printed.find());
            java.security.cert.X509Certificate certificate = (java.security.cert.X509Certificate)
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(
                            new java.io.ByteArrayInputStream(java.util.Base64.getDecoder().decode(printed.group(1))));
            long days = java.time.Duration.between(certificate.getNotBefore().toInstant(),
                    certificate.getNotAfter().toInstant()).toDays();
            assertTrue("two years: " + days, days >= 729 && days <= 731);

            java.util.Dictionary<String, Object> written = configurationAdmin.getConfiguration(
                    "org.radmfa.mfa.entra", null).getProperties();
            assertEquals(null, written.get(".clientSecret"));
            String sealed = String.valueOf(written.get(".certificatePassword"));
            assertTrue("the password is sealed: " + sealed, sealed.startsWith("{aes-gcm}"));
            assertTrue("setup's own output never shows the password", !setup.contains(sealed));

            awaitEntraCheck("the connector uses the certificate, not yet attached in Entra", "AADSTS700027");
            String refused = shell("radmfa:entra-check");
            assertTrue(refused, refused.contains("2. token: FAILED") && refused.contains("key credentials"));

            emulator.addKeyCredential(certificate);
            String checked = shell("radmfa:entra-check --timeout 30 mfa-demo");
            assertTrue(checked, checked.contains("1. configuration: OK"));
            assertTrue(checked, checked.contains("2. token: OK"));
            assertTrue(checked, checked.contains("3. second factor: OK: APPROVED"));
            assertEquals("certificate", emulator.lastClientAuthentication());
            assertEquals("mfa-demo", emulator.begins().get(emulator.begins().size() - 1).userPrincipalName());

            String again = shell("radmfa:entra-setup " + EntraEmulator.TENANT);
            assertTrue(again, again.contains("--renew"));
        }
    }

    /**
     * A user whose Entra method is a code (or with number matching overridden) gets an Access-Challenge; the code
     * typed in the VPN client goes to EndTwoWayAuthentication, and the Access-Accept then carries the network
     * policy's reply attributes (the NPS extension drops them on this path).
     */
    @Test
    public void entraOneTimeCodesThroughAccessChallengeKeepThePolicysReplyAttributes() throws Exception {
        try (EntraEmulator emulator = EntraEmulator.start(0)) {
            emulator.addUser("mfa-demo", null, null, Set.of("otp"), EntraEmulator.Outcome.APPROVE, Duration.ZERO);
            emulator.setOneTimeCode("mfa-demo", "482915");
            Map<String, Object> entra = new java.util.LinkedHashMap<>(emulator.configuration());
            entra.put("challengePrompt", "Code from Microsoft Authenticator");
            configureEntra(entra);
            configure("org.radmfa.pipeline", Map.of("mfaConnector.target", "(connector=entra)",
                    "mfaTimeoutSeconds", "20", "mfaMaxPushes", "0"));
            String set = shell("radmfa:policies-set \"Demo MFA users\" reply.Class=entra-otp-users");
            assertTrue(set, !set.toLowerCase(java.util.Locale.ROOT).contains("error"));
            // The change reaches the policy engine through its etc/ file and ConfigurationAdmin: wait for it there.
            Await.until("the policy engine returns the new Class", TIMEOUT, this::policyRepliesWithTheNewClass);
            try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", authPort())) {
                RadiusTestClient.Response[] first = new RadiusTestClient.Response[1];
                Await.until("an Access-Challenge for mfa-demo", TIMEOUT, () -> {
                    first[0] = pap(client, "mfa-demo-password", null);
                    return first[0].code() == RadiusTestClient.ACCESS_CHALLENGE;
                });
                assertEquals("Code from Microsoft Authenticator", new String(first[0].attribute(18),
                        java.nio.charset.StandardCharsets.UTF_8));
                byte[] state = first[0].attribute(24);

                RadiusTestClient.Response accepted = pap(client, "482915", state);
                assertEquals("the right code", RadiusTestClient.ACCESS_ACCEPT, accepted.code());
                assertTrue("the policy's Class after the code: " + accepted.texts(25),
                        accepted.texts(25).contains("entra-otp-users"));
                assertTrue(emulator.bodies().stream().anyMatch(body -> body.contains(
                        "<AdditionalAuthData>482915</AdditionalAuthData>")));

                RadiusTestClient.Response again = pap(client, "mfa-demo-password", null);
                assertEquals(RadiusTestClient.ACCESS_CHALLENGE, again.code());
                RadiusTestClient.Response wrong = pap(client, "000000", again.attribute(24));
                assertEquals("a wrong code", RadiusTestClient.ACCESS_REJECT, wrong.code());
            }
            String decisions = shell("radmfa:decisions --no-format --trace -n 10");
            assertTrue(decisions, decisions.contains("OathCodeIncorrect"));
            assertTrue("the code is never in the decision log", !decisions.matches("(?s).*\\b482915\\b.*"));
        }
    }

    private boolean policyRepliesWithTheNewClass() {
        org.osgi.framework.ServiceReference<org.radmfa.api.PolicyEngine> reference = bundleContext
                .getServiceReference(org.radmfa.api.PolicyEngine.class);
        if (reference == null) {
            return false;
        }
        org.radmfa.api.PolicyEngine engine = bundleContext.getService(reference);
        try {
            org.radmfa.api.AuthenticationRequest request = new org.radmfa.api.AuthenticationRequest("entra-it",
                    new org.radmfa.api.RadiusClient("localhost-demo", "127.0.0.1",
                            org.radmfa.api.SharedSecret.of(DEMO_SECRET), null, true),
                    new java.net.InetSocketAddress("127.0.0.1", 1), "mfa-demo",
                    new org.radmfa.api.PapCredentials("unused"), List.of(), java.time.Instant.now());
            return engine.evaluate(request, new org.radmfa.api.User("mfa-demo", Set.of("mfa-users"), "local"))
                    .replyAttributes().stream().anyMatch(attribute -> "entra-otp-users".equals(attribute.value()));
        } finally {
            bundleContext.ungetService(reference);
        }
    }

    private RadiusTestClient.Response pap(RadiusTestClient client, String password, byte[] state) {
        try {
            RadiusTestClient.Sent sent = client.sendPap("mfa-demo", password, DEMO_SECRET, DEMO_SECRET, state);
            RadiusTestClient.Response response = client.receive(sent, 30_000);
            if (response == null) {
                throw new IllegalStateException("no answer");
            }
            return response;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The whole Entra configuration, nothing kept from another test (a certificate would contradict a secret). */
    private void configureEntra(Map<String, Object> values) throws Exception {
        configurationAdmin.getConfiguration("org.radmfa.mfa.entra", "?").update(new java.util.Hashtable<>(values));
    }

    /**
     * Polls radmfa:entra-check (each step bounded to 10 s, so that one slow answer leaves room for more polls) until
     * it prints {@code text}; a failure says what it printed last and which credential the configuration held then.
     */
    private void awaitEntraCheck(String what, String text) throws Exception {
        String[] last = {"(not run)"};
        try {
            Await.until(what, TIMEOUT, () -> {
                try {
                    last[0] = shell("radmfa:entra-check --timeout 10");
                } catch (Exception e) {
                    throw new IllegalStateException("radmfa:entra-check: " + e, e);
                }
                return last[0].contains(text);
            });
        } catch (AssertionError timedOut) {
            java.util.Dictionary<String, Object> held = configurationAdmin.getConfiguration("org.radmfa.mfa.entra",
                    null).getProperties();
            throw new AssertionError(timedOut.getMessage() + "\nlast radmfa:entra-check:\n" + last[0]
                    + "\nconfiguration then: certificatePath=" + (held == null ? null : held.get("certificatePath"))
                    + ", .clientSecret set: " + (held != null && held.get(".clientSecret") != null), timedOut);
        }
    }
}
