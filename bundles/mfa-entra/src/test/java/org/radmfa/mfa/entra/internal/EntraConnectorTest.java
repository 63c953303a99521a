package org.radmfa.mfa.entra.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaOutcome.Kind;
import org.radmfa.api.MfaRequest;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.RequestAttribute;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.User;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.mfa.entra.internal.EntraEmulator.Outcome;

/** The connector against {@link EntraEmulator}: MSAL4J, Graph and the MFA endpoint for real, over loopback HTTPS. */
class EntraConnectorTest {
    private static final Duration APPROVE_DELAY = Duration.ofMillis(300);
    private static EntraEmulator emulator;
    @TempDir
    static Path keys;

    private final List<EntraConnector> connectors = new ArrayList<>();

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = EntraEmulator.start(0);
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @BeforeEach
    void users() {
        emulator.reset();
        emulator.addUser("alice@example.com", "alice", "alice.smith@example.com", Set.of("push"), Outcome.APPROVE,
                APPROVE_DELAY);
        emulator.addUser("bob@example.com", "bob", "bob@example.com", Set.of("push", "phone"), Outcome.DENY,
                Duration.ZERO);
        emulator.addUser("carol@example.com", "carol", "carol@example.com", Set.of("push"), Outcome.NEVER,
                Duration.ZERO);
        emulator.addUser("dave@example.com", "dave", "dave@example.com", Set.of("push"), Outcome.HTTP_500,
                Duration.ZERO);
        emulator.addUser("erin@example.com", "erin", "erin@example.com", Set.of(), Outcome.APPROVE, Duration.ZERO);
        emulator.addUser("frank@example.com", "frank", "frank@example.com", Set.of("otp"), Outcome.APPROVE,
                Duration.ZERO);
    }

    @AfterEach
    void stopConnectors() {
        connectors.forEach(EntraConnector::deactivate);
    }

    private EntraConnector connector(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(emulator.configuration());
        config.put("pollIntervalMillis", "100");
        overrides.forEach((key, value) -> {
            if (value == null) {
                config.remove(key);
            } else {
                config.put(key, value);
            }
        });
        EntraConnector connector = new EntraConnector(null, config);
        connectors.add(connector);
        return connector;
    }

    private static MfaRequest request(String user, Instant deadline) {
        return request(user, deadline, new PapCredentials("pw"));
    }

    private static MfaRequest request(String user, Instant deadline, org.radmfa.api.Credentials credentials) {
        return request(user, deadline, credentials, "203.0.113.9");
    }

    private static MfaRequest request(String user, Instant deadline, org.radmfa.api.Credentials credentials,
            String callingStationId) {
        AuthenticationRequest request = new AuthenticationRequest("req-" + user, new RadiusClient("vpn-gw",
                "192.0.2.1", SharedSecret.of("s"), null, true), new InetSocketAddress("192.0.2.1", 1812), user,
                credentials, List.of(new RequestAttribute(0, 31, "Calling-Station-Id", callingStationId)),
                Instant.now());
        return new MfaRequest(request, new User(user, Set.of(), "ldap"), "VPN with MFA", deadline);
    }

    private static MfaOutcome verify(EntraConnector connector, String user) {
        return connector.verify(request(user, Instant.now().plusSeconds(10))).toCompletableFuture()
                .orTimeout(15, TimeUnit.SECONDS).join();
    }

    @Test
    void approvedAfterTheDelayAndTheSecondLoginReusesMsalsCachedToken() {
        EntraConnector connector = connector(Map.of());
        long start = System.nanoTime();
        MfaOutcome first = verify(connector, "alice@example.com");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(Kind.APPROVED, first.kind(), first.detail());
        assertTrue(first.detail().startsWith("approved in Entra MFA (session "), first.detail());
        assertTrue(millis >= APPROVE_DELAY.toMillis(), "approved only after the user's delay: " + millis + " ms");
        assertEquals("secret", emulator.lastClientAuthentication());
        assertEquals(1, emulator.tokenRequests());
        assertEquals(Kind.APPROVED, verify(connector, "alice@example.com").kind());
        assertEquals(1, emulator.tokenRequests(), "the second login takes MSAL's cached token");

        EntraEmulator.Begin begin = emulator.begins().get(0);
        assertEquals("alice@example.com", begin.userPrincipalName());
        assertEquals("en-us", begin.lcid());
        assertNull(begin.authenticationMethodId(), "the user's default method");
        assertEquals(Map.of("OverrideVoiceOtp", "false"), begin.properties());
        assertFalse(begin.syncCall(), "asynchronous: End polls");
        assertTrue(begin.requireUserMatch());
        assertEquals("radius", begin.callerName());
        assertEquals("203.0.113.9", begin.callerIp(), "the Calling-Station-Id, for Entra's sign-in log");
        String body = emulator.bodies().get(0);
        assertTrue(body.startsWith("<BeginTwoWayAuthenticationRequest><Version>1.0</Version><UserPrincipalName>"
                + "alice@example.com</UserPrincipalName><Lcid>en-us</Lcid><AuthenticationMethodProperties xmlns:a=\""
                + ConnectorXml.ARRAYS_NS + "\"><a:KeyValueOfstringstring><a:Key>OverrideVoiceOtp</a:Key><a:Value>"
                + "false</a:Value></a:KeyValueOfstringstring></AuthenticationMethodProperties><ContextId>"), body);
        String end = emulator.bodies().get(1);
        assertTrue(end.contains("<SessionId>") && end.contains("<AdditionalAuthData i:nil=\"true\"/>")
                && end.endsWith("<UserPrincipalName>alice@example.com</UserPrincipalName>"
                        + "</EndTwoWayAuthenticationRequest>"), end);
        assertTrue(emulator.requests().stream().anyMatch(r -> r.equals("POST " + EntraEmulator.CONNECTOR_PATH
                + "/EndTwoWayAuthentication?dc=EMU")), "End goes to Begin's AffinityUrl: " + emulator.requests());
        System.out.println("[entra] first login " + millis + " ms; emulator saw " + emulator.requests());
    }

    @Test
    void deniedByTheUserIsDenied() {
        MfaOutcome outcome = verify(connector(Map.of()), "bob@example.com");
        assertEquals(Kind.DENIED, outcome.kind(), outcome.detail());
        assertTrue(outcome.detail().startsWith("PhoneAppDenied: the user denied the notification"), outcome.detail());
    }

    @Test
    void everyResultValueHasItsOutcome() {
        Map<String, Kind> expected = new java.util.LinkedHashMap<>();
        expected.put("PhoneAppFraudReported", Kind.DENIED);
        expected.put("PhoneAppAllDevicesBlocked", Kind.DENIED);
        expected.put("PhoneAppNotificationFailed", Kind.UNAVAILABLE);
        expected.put("PhoneAppNoResponse", Kind.TIMED_OUT);
        expected.put("UserIsBlocked", Kind.DENIED);
        expected.put("TenantIsBlocked", Kind.DENIED);
        expected.put("AuthenticationThrottled", Kind.DENIED);
        expected.put("UserAuthFailedDuplicateRequest", Kind.DENIED);
        expected.put("InvalidSession", Kind.UNAVAILABLE);
        expected.put("AccessDenied", Kind.UNAVAILABLE);
        expected.put("InternalError", Kind.UNAVAILABLE);
        expected.put("NoDefaultAuthenticationMethodIsConfigured", Kind.NOT_ENROLLED);
        expected.put("SomethingNewFromMicrosoft", Kind.UNAVAILABLE);
        EntraConnector connector = connector(Map.of());
        expected.forEach((value, kind) -> {
            emulator.addUser("gina@example.com", "gina", "gina@example.com", Set.of("push"), Outcome.APPROVE,
                    Duration.ZERO);
            emulator.scriptResult("gina@example.com", value);
            MfaOutcome outcome = verify(connector, "gina@example.com");
            assertEquals(kind, outcome.kind(), value + ": " + outcome.detail());
            assertTrue(outcome.detail().contains(value), outcome.detail());
        });
        for (String value : List.of("OathCodeIncorrect", "OathCodeDuplicate", "OathCodeOld",
                "OathCodeFailedMaxAllowedRetryReached")) {
            assertEquals(Kind.DENIED, ConnectorResult.of(value).kind(), value);
        }
        assertTrue(ConnectorResult.of("PhoneAppFraudReported").securityEvent());
        assertTrue(ConnectorResult.of("UserIsBlocked").securityEvent());
        assertFalse(ConnectorResult.of("PhoneAppDenied").securityEvent());
    }

    @Test
    void aUserWhoNeverAnswersTimesOutAtTheDeadline() {
        EntraConnector connector = connector(Map.of());
        Instant deadline = Instant.now().plusMillis(1200);
        MfaOutcome outcome = connector.verify(request("carol@example.com", deadline)).toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS).join();
        Instant done = Instant.now();
        assertEquals(Kind.TIMED_OUT, outcome.kind(), outcome.detail());
        assertTrue(outcome.detail().contains("(session "), outcome.detail());
        assertFalse(done.isBefore(deadline.minusMillis(20)), "not before the deadline");
    }

    @Test
    void theMfaServiceGivingUpIsATimeoutToo() {
        emulator.addUser("gina@example.com", "gina", "gina@example.com", Set.of("push"), Outcome.TIMEOUT,
                Duration.ZERO);
        assertEquals(Kind.TIMED_OUT, verify(connector(Map.of()), "gina@example.com").kind());
    }

    @Test
    void http500FromTheMfaServiceIsUnavailableWithTheStatus() {
        MfaOutcome outcome = verify(connector(Map.of()), "dave@example.com");
        assertEquals(Kind.UNAVAILABLE, outcome.kind());
        assertEquals("BeginTwoWayAuthentication answered HTTP 500", outcome.detail());
    }

    @Test
    void aRefusedConnectionIsUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        MfaOutcome outcome = verify(connector(Map.of("serviceUrl", "https://127.0.0.1:" + closedPort
                + EntraEmulator.CONNECTOR_PATH)), "alice@example.com");
        assertEquals(Kind.UNAVAILABLE, outcome.kind());
        assertTrue(outcome.detail().startsWith("cannot connect"), outcome.detail());
    }

    @Test
    void aRejectedTokenRequestIsUnavailableWithTheAadstsCodeAndWhatToDo() {
        MfaOutcome wrongSecret = verify(connector(Map.of(".clientSecret", "not-the-secret")), "alice@example.com");
        assertEquals(Kind.UNAVAILABLE, wrongSecret.kind());
        assertEquals("Entra refused the token request: AADSTS7000215 (invalid_client, HTTP 401): the client secret"
                + " is wrong", wrongSecret.detail());

        Map<String, String> advice = Map.of("AADSTS7000112", "is disabled in the tenant", "AADSTS500014",
                "'Azure Multi-Factor Auth Connector' (1f5530b3-261a-47a9-b357-ded261e17918) is disabled",
                "AADSTS7000222", "has expired", "AADSTS700027", "key credentials");
        advice.forEach((code, words) -> {
            emulator.rejectTokens(code);
            MfaOutcome refused = verify(connector(Map.of()), "alice@example.com");
            assertEquals(Kind.UNAVAILABLE, refused.kind());
            assertTrue(refused.detail().contains(code) && refused.detail().contains(words), refused.detail());
        });
        assertEquals(0, emulator.authenticationsStarted(), "no push without a token");

        emulator.rejectTokens(null);
        MfaOutcome wrongResource = verify(connector(Map.of("resource", "https://adnotifications.example/Connector")),
                "alice@example.com");
        assertTrue(wrongResource.detail().contains("AADSTS500011"), wrongResource.detail());
    }

    @Test
    void aTokenForAnotherAudienceIsRefusedByTheService() throws Exception {
        // A Graph token presented to the MFA service: what a connector with the wrong scope would send.
        MfaOutcome outcome = verify(connector(Map.of("resource", emulator.baseUrl())), "alice@example.com");
        assertEquals(Kind.UNAVAILABLE, outcome.kind());
        assertTrue(outcome.detail().startsWith("BeginTwoWayAuthentication answered HTTP 401"), outcome.detail());
    }

    @Test
    void unknownUsersAndUsersWithoutAMethodAreNotEnrolled() {
        EntraConnector connector = connector(Map.of());
        MfaOutcome unknown = verify(connector, "nobody@example.com");
        assertEquals(Kind.NOT_ENROLLED, unknown.kind());
        assertEquals("user 'nobody@example.com': UserNotFound (the user is not in the Entra tenant)",
                unknown.detail());
        MfaOutcome erin = verify(connector, "erin@example.com");
        assertEquals(Kind.NOT_ENROLLED, erin.kind());
        assertTrue(erin.detail().contains("AuthenticationMethodNotConfigured"), erin.detail());
        assertEquals(0, emulator.authenticationsStarted());
        assertTrue(emulator.requests().stream().noneMatch(r -> r.contains("/v1.0/")), "no Graph call for upn");
    }

    @Test
    void withoutRequireUserMatchUnknownUsersAndUsersWithoutAMethodPassWithoutMfa() {
        EntraConnector connector = connector(Map.of("requireUserMatch", "false"));
        for (String user : List.of("nobody@example.com", "erin@example.com")) {
            MfaOutcome outcome = verify(connector, user);
            assertEquals(Kind.APPROVED, outcome.kind(), user);
            assertTrue(outcome.detail().endsWith("passed without MFA (requireUserMatch=false)"), outcome.detail());
        }
        assertFalse(emulator.begins().get(0).requireUserMatch(), "RequireUserMatch=false is sent");
        assertEquals(Kind.DENIED, verify(connector, "bob@example.com").kind(), "users with a method still do MFA");
    }

    @Test
    void aOneTimeCodeIsAskedForByChallengeAndCheckedByEnd() {
        EntraConnector connector = connector(Map.of());
        MfaOutcome challenge = verify(connector, "frank@example.com");
        assertEquals(Kind.CHALLENGE, challenge.kind(), challenge.detail());
        assertEquals(EntraSettings.DEFAULT_PROMPT, challenge.prompt());
        assertNotNull(challenge.state());
        assertTrue(challenge.state().length <= 253, "fits a RADIUS State");

        MfaOutcome wrong = answer(connector, "frank@example.com", "000000", challenge.state());
        assertEquals(Kind.DENIED, wrong.kind());
        assertTrue(wrong.detail().startsWith("OathCodeIncorrect"), wrong.detail());
        MfaOutcome right = answer(connector, "frank@example.com", " " + EntraEmulator.DEFAULT_CODE + " ",
                challenge.state());
        assertEquals(Kind.APPROVED, right.kind(), right.detail());
        assertTrue(emulator.bodies().stream().anyMatch(b -> b.contains("<AdditionalAuthData>"
                + EntraEmulator.DEFAULT_CODE + "</AdditionalAuthData>")), "the code goes to End");

        // A second connector (another appliance) finishes a session from the State alone.
        MfaOutcome again = verify(connector, "frank@example.com");
        emulator.setOneTimeCode("frank@example.com", "654321");
        EntraConnector other = connector(Map.of());
        assertEquals(Kind.APPROVED, answer(other, "frank@example.com", "654321", again.state()).kind());

        MfaOutcome forged = answer(connector, "frank@example.com", "654321", new byte[] {9, 9, 9});
        assertEquals(Kind.UNAVAILABLE, forged.kind());
    }

    @Test
    void numberMatchingOverriddenWithACodeForPapOnlyMsChapV2KeepsThePush() {
        EntraConnector connector = connector(Map.of("overrideNumberMatchingWithOtp", "true"));
        MfaOutcome pap = verify(connector, "alice@example.com");
        assertEquals(Kind.CHALLENGE, pap.kind(), pap.detail());
        assertEquals("true", emulator.begins().get(0).properties().get("OverrideNumberMatchingWithOTP"));
        assertEquals(Kind.APPROVED, answer(connector, "alice@example.com", EntraEmulator.DEFAULT_CODE,
                pap.state()).kind());

        MfaOutcome msChap = connector.verify(request("alice@example.com", Instant.now().plusSeconds(10),
                new org.radmfa.api.MsChapV2Credentials(org.radmfa.api.AuthMethod.MSCHAPV2, 1, new byte[16], new byte[16], new byte[24])))
                .toCompletableFuture().orTimeout(15, TimeUnit.SECONDS).join();
        assertEquals(Kind.APPROVED, msChap.kind(), msChap.detail());
        assertNull(emulator.begins().get(1).properties().get("OverrideNumberMatchingWithOTP"), "push for MS-CHAPv2");

        MfaOutcome codeUserOnMsChap = connector.verify(request("frank@example.com", Instant.now().plusSeconds(10),
                new org.radmfa.api.MsChapV2Credentials(org.radmfa.api.AuthMethod.MSCHAPV2, 1, new byte[16], new byte[16], new byte[24])))
                .toCompletableFuture().orTimeout(15, TimeUnit.SECONDS).join();
        assertEquals(Kind.DENIED, codeUserOnMsChap.kind());
        assertTrue(codeUserOnMsChap.detail().contains("cannot carry"), codeUserOnMsChap.detail());
    }

    private static MfaOutcome answer(EntraConnector connector, String user, String code, byte[] state) {
        MfaRequest first = request(user, Instant.now().plusSeconds(10));
        return connector.verify(new MfaRequest(first.request(), first.user(), first.policyName(), first.deadline(),
                code, state)).toCompletableFuture().orTimeout(15, TimeUnit.SECONDS).join();
    }

    @Test
    void hostileOrBrokenAnswersAreRefusedNotExpanded() {
        String bomb = "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                + "<BeginTwoWayAuthenticationResponse><Result><Value>&b;</Value></Result>"
                + "</BeginTwoWayAuthenticationResponse>";
        assertThrows(IllegalArgumentException.class, () -> ConnectorXml.parse(bomb));
        String deep = "<BeginTwoWayAuthenticationResponse>" + "<x>".repeat(40) + "</x>".repeat(40)
                + "<Result><Value>Success</Value></Result></BeginTwoWayAuthenticationResponse>";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConnectorXml.parse(deep)).getMessage()
                .contains("deeper"));
        assertThrows(IllegalArgumentException.class, () -> ConnectorXml.parse("<Other><Result><Value>Success"
                + "</Value></Result></Other>"));
        assertThrows(IllegalArgumentException.class, () -> ConnectorXml.parse("<EndTwoWayAuthenticationResponse>"));
        assertThrows(IllegalArgumentException.class, () -> ConnectorXml.parse("{\"json\":true}"));
    }

    @Test
    void responsesAreReadWhateverTheirNamespacesNilsAndUnknownElements() {
        ConnectorXml.Response begin = ConnectorXml.parse("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<BeginTwoWayAuthenticationResponse xmlns=\"http://schemas.example/unknown\" xmlns:i=\""
                + ConnectorXml.INSTANCE_NS + "\"><Version>1</Version><Result><Value>Success</Value>"
                + "<Message i:nil=\"true\"/><Retry>false</Retry><Error i:nil=\"true\"/></Result>"
                + "<Surprise><Value>ignored</Value></Surprise><SessionId>270867b8-6bac-434b-9a2a-cb682f461cbe"
                + "</SessionId><AuthenticationResult i:nil=\"true\"/><UserPrincipalName>o&apos;hara@example.com"
                + "</UserPrincipalName><AffinityUrl>https://adnotifications.windowsazure.com/StrongAuthentication"
                + "Service.svc/Connector/EndTwoWayAuthentication?dc=KRS</AffinityUrl><ValidEntropyNumber>0"
                + "</ValidEntropyNumber></BeginTwoWayAuthenticationResponse>");
        assertEquals("Success", begin.resultValue());
        assertNull(begin.resultMessage());
        assertNull(begin.authenticationResult(), "nil");
        assertEquals("270867b8-6bac-434b-9a2a-cb682f461cbe", begin.sessionId());
        assertEquals("o'hara@example.com", begin.userPrincipalName());
        assertTrue(begin.affinityUrl().endsWith("?dc=KRS"));
        ConnectorXml.Response end = ConnectorXml.parse("<a:EndTwoWayAuthenticationResponse xmlns:a=\"urn:x\">"
                + "<a:Result><a:Value>AuthenticationPending</a:Value><a:Message>not yet</a:Message></a:Result>"
                + "<a:AuthenticationResult>challenge</a:AuthenticationResult></a:EndTwoWayAuthenticationResponse>");
        assertEquals("AuthenticationPending", end.resultValue());
        assertEquals("not yet", end.resultMessage());
        assertEquals("challenge", end.authenticationResult());
    }

    @Test
    void aLongUserPrincipalNameStillGetsItsOneTimeCodeAndOneTooLongForAStateIsDenied() {
        String longUpn = "christopher.alexander-montgomery.external." + "x".repeat(40) + "@emea.example.com";
        emulator.addUser(longUpn, "chris", longUpn, Set.of("otp"), Outcome.APPROVE, Duration.ZERO);
        String tooLong = "y".repeat(200) + "@example.com";
        emulator.addUser(tooLong, "yves", tooLong, Set.of("otp"), Outcome.APPROVE, Duration.ZERO);
        EntraConnector connector = connector(Map.of());

        MfaOutcome challenge = verify(connector, longUpn);
        assertEquals(Kind.CHALLENGE, challenge.kind(), challenge.detail());
        assertTrue(challenge.state().length <= 253, "fits a RADIUS State");
        assertEquals(Kind.APPROVED, answer(connector, longUpn, EntraEmulator.DEFAULT_CODE, challenge.state()).kind());

        MfaOutcome refused = verify(connector, tooLong);
        assertEquals(Kind.DENIED, refused.kind(), "never UNAVAILABLE, which fail-open would accept");
        assertTrue(refused.detail().contains("does not fit in a RADIUS State"), refused.detail());
    }

    @Test
    void aSessionTravelsInAStateWithItsGuidsInSixteenOctetsAndAnOlderStateIsStillRead() throws Exception {
        String guid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        java.net.URI affinity = new java.net.URI("https://emea.strongauthenticationservice.auth.microsoft.com"
                + "/StrongAuthenticationService.svc/Connector/EndTwoWayAuthentication?dc=AMS2");
        EntraClient.Session session = new EntraClient.Session(guid, guid.replace('0', '1'), "u@example.com",
                affinity);
        byte[] state = session.encode();
        assertEquals(session, EntraClient.Session.decode(state));
        assertEquals(1 + 2 * 17 + 2 + 13 + 2 + affinity.toString().length(), state.length);
        EntraClient.Session upperCase = new EntraClient.Session(guid.toUpperCase(java.util.Locale.ROOT), "", "u@x",
                null);
        assertEquals(upperCase, EntraClient.Session.decode(upperCase.encode()), "a GUID not in canonical form as text");

        // Version 1, as issued before: four length-prefixed strings.
        java.io.ByteArrayOutputStream older = new java.io.ByteArrayOutputStream();
        older.write(1);
        for (String part : new String[] {"s-1", "c-1", "u@example.com", ""}) {
            older.write(part.length());
            older.write(part.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertEquals(new EntraClient.Session("s-1", "c-1", "u@example.com", null),
                EntraClient.Session.decode(older.toByteArray()));
        assertNull(EntraClient.Session.decode(new byte[] {2, 0, 1, 2, 3, 4}), "a GUID cut short");
    }

    @Test
    void requestValuesAreEscaped() {
        String xml = ConnectorXml.begin(new ConnectorXml.Begin("a<b>&\"c'@example.com\u0001", "en-us", null,
                Map.of("k&", "v<"), "c", false, true, "radius", "UNKNOWN:"));
        assertTrue(xml.contains("<UserPrincipalName>a&lt;b&gt;&amp;&quot;c&apos;@example.com\uFFFD"
                + "</UserPrincipalName>"), xml);
        assertTrue(xml.contains("<a:Key>k&amp;</a:Key><a:Value>v&lt;</a:Value>"), xml);
        EntraClient.Session session = new EntraClient.Session("s", "c", "u@example.com", null);
        assertEquals(session, EntraClient.Session.decode(session.encode()));
    }

    /** CallerIP is an IP address or UNKNOWN:, never a MAC address (what a Calling-Station-Id usually holds). */
    @Test
    void callerIpIsAnAddressOrUnknownNeverAMacAddress() {
        EntraConnector connector = connector(Map.of());
        Map<String, String> sent = new java.util.LinkedHashMap<>();
        sent.put("00:11:22:33:44:55", "UNKNOWN:");
        sent.put("00-11-22-33-44-55", "UNKNOWN:");
        sent.put("0011.2233.4455", "UNKNOWN:");
        sent.put("198.51.100.7", "198.51.100.7");
        sent.put("2001:db8::7", "2001:db8::7");
        sent.put("not an address", "UNKNOWN:");
        int begins = 0;
        for (Map.Entry<String, String> each : sent.entrySet()) {
            MfaOutcome outcome = connector.verify(request("bob@example.com", Instant.now().plusSeconds(10),
                    new PapCredentials("pw"), each.getKey())).toCompletableFuture().orTimeout(15, TimeUnit.SECONDS)
                    .join();
            assertEquals(Kind.DENIED, outcome.kind(), outcome.detail());
            assertEquals(each.getValue(), emulator.begins().get(begins++).callerIp(), each.getKey());
        }

        for (String address : List.of("0.0.0.0", "255.255.255.255", "10.1.2.3", "::", "::1", "fe80::1",
                "2001:DB8:0:0:8:800:200C:417A", "2001:db8:0:0:0:0:0:1", "1::", "::ffff:192.0.2.1",
                "64:ff9b::198.51.100.7", "1:2:3:4:5:6:192.0.2.1")) {
            assertTrue(EntraClient.ipAddress(address), address);
        }
        for (String other : List.of("", "00:11:22:33:44:55", "0011.2233.4455", "00-11-22-33-44-55",
                "001122334455", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4.", ".1.2.3", "1..2.3",
                "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "12345::",
                "::1.2.3", "1.2.3.4::", "::ffff:256.1.1.1", "2001:db8::g", "fe80::1%eth0", "[::1]", "a.b.c.d",
                "vpn.example.com", "1:2:3:4:5:6:7::8", ":", ":::")) {
            assertFalse(EntraClient.ipAddress(other), other);
        }
    }

    @Test
    void aUserNameWithMarkupReachesTheServiceIntact() {
        emulator.addUser("o'hara&co@example.com", "ohara", "ohara@example.com", Set.of("push"), Outcome.DENY,
                Duration.ZERO);
        MfaOutcome outcome = verify(connector(Map.of()), "o'hara&co@example.com");
        assertEquals(Kind.DENIED, outcome.kind(), outcome.detail());
        assertEquals("o'hara&co@example.com", emulator.begins().get(0).userPrincipalName());
    }

    @Test
    void samAccountNameAndMailLookups() {
        MfaOutcome bySam = verify(connector(Map.of("userLookup", "samAccountName")), "CORP\\alice");
        assertEquals(Kind.APPROVED, bySam.kind(), bySam.detail());
        MfaOutcome byMail = verify(connector(Map.of("userLookup", "mail")), "alice.smith@example.com");
        assertEquals(Kind.APPROVED, byMail.kind(), byMail.detail());
        assertEquals(Kind.NOT_ENROLLED, verify(connector(Map.of("userLookup", "mail")), "o'hara@example.com").kind());
        assertEquals("alice@example.com", emulator.begins().get(0).userPrincipalName(), "Begin gets the UPN");
        assertTrue(emulator.requests().stream().anyMatch(r -> r.contains(
                "$filter=onPremisesSamAccountName%20eq%20%27alice%27")), emulator.requests().toString());
        assertEquals("alice", EntraClient.samAccountName("alice@corp.example"));
    }

    /**
     * What is fixed for a user is never "unavailable", which the pipeline's fail-open mode would accept without MFA:
     * two directory users for one name, or a Begin answered for another user, are denied, whatever
     * requireUserMatch says.
     */
    @Test
    void twoGraphUsersForOneNameAreDeniedNotUnavailable() {
        emulator.addUser("alice.admin@example.com", "alice", "alice.admin@example.com", Set.of("push"),
                Outcome.APPROVE, Duration.ZERO);
        for (String requireUserMatch : List.of("true", "false")) {
            MfaOutcome outcome = verify(connector(Map.of("userLookup", "samAccountName", "requireUserMatch",
                    requireUserMatch)), "CORP\\alice");
            assertEquals(Kind.DENIED, outcome.kind(), outcome.detail());
            assertTrue(outcome.detail().startsWith("Graph user lookup: 2 users have onPremisesSamAccountName"
                    + " 'alice'"), outcome.detail());
        }
        assertTrue(emulator.begins().isEmpty(), "no push to either of them");
    }

    @Test
    void aBeginAnsweredForAnotherUserIsDeniedNotUnavailable() {
        emulator.aliasUser("robert@example.com", "alice@example.com");
        long polls = emulator.polls();
        for (String requireUserMatch : List.of("true", "false")) {
            MfaOutcome outcome = verify(connector(Map.of("requireUserMatch", requireUserMatch)),
                    "robert@example.com");
            assertEquals(Kind.DENIED, outcome.kind(), outcome.detail());
            assertTrue(outcome.detail().startsWith("BeginTwoWayAuthentication answered for 'alice@example.com',"
                    + " not for 'robert@example.com'"), outcome.detail());
        }
        assertEquals(polls, emulator.polls(), "the other user's session is not polled");
    }

    @Test
    void fiveHundredPendingVerificationsHoldNoThreadEach() throws Exception {
        EntraConnector connector = connector(Map.of("pollIntervalMillis", "60000"));
        // Warm up: token cached, HTTP client and thread pools started.
        assertEquals(Kind.NOT_ENROLLED, verify(connector, "erin@example.com").kind());
        int before = ManagementFactory.getThreadMXBean().getThreadCount();
        long startedBefore = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
        int pendingBefore = emulator.authenticationsStarted();

        List<CompletableFuture<MfaOutcome>> outcomes = new ArrayList<>();
        long start = System.nanoTime();
        Instant deadline = Instant.now().plusSeconds(60);
        for (int i = 0; i < 500; i++) {
            outcomes.add(connector.verify(request("carol@example.com", deadline)).toCompletableFuture());
        }
        long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(emulator.awaitAuthenticationsStarted(pendingBefore + 500, Duration.ofSeconds(30)),
                "500 pushes started: " + emulator.authenticationsStarted());
        int during = ManagementFactory.getThreadMXBean().getThreadCount();
        long startedDuring = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - startedBefore;
        String prefix = connector.current().threadPrefix();
        long own = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
        assertTrue(outcomes.stream().noneMatch(CompletableFuture::isDone));
        assertEquals(500, connector.current().pending());
        System.out.println("[entra] 500 verify() calls returned in " + startMillis + " ms; JVM threads before "
                + before + ", with 500 pending " + during + " (connector's own: " + own + "); threads started and"
                + " ended meanwhile " + startedDuring + "; token requests " + emulator.tokenRequests());
        assertTrue(own <= 4, "the HTTP selector, two timer/HTTP threads and one MSAL thread, whatever the load: "
                + own);
        // The emulator's own pool (4 threads) may still be growing; the connector adds none per request.
        assertTrue(during - before <= 6, "threads before " + before + ", while 500 pending " + during);

        connector.deactivate();
        for (CompletableFuture<MfaOutcome> outcome : outcomes) {
            MfaOutcome stopped = outcome.get(5, TimeUnit.SECONDS);
            assertEquals(Kind.UNAVAILABLE, stopped.kind());
            assertEquals("Entra connector stopped", stopped.detail());
        }
        assertEquals(1, emulator.tokenRequests());
    }

    /**
     * A client retired by a new configuration finishes its logins, but deactivation stops it too: its logins end
     * at once, and it polls Entra no more.
     */
    @Test
    void deactivationStopsTheClientsRetiredByANewConfiguration() throws Exception {
        EntraConnector connector = connector(Map.of("waitMode", "poll"));
        EntraClient retired = connector.current();
        CompletableFuture<MfaOutcome> login = connector.verify(request("carol@example.com",
                Instant.now().plusSeconds(20))).toCompletableFuture();
        waitFor(() -> emulator.polls() > 0, "the login polls");
        Map<String, Object> same = new HashMap<>(emulator.configuration());
        same.put("pollIntervalMillis", "100");
        same.put("waitMode", "poll");
        connector.modified(same);
        assertEquals(1, retired.pending(), "the retired client still serves its login");

        connector.deactivate();
        MfaOutcome stopped = login.get(15, TimeUnit.SECONDS);
        assertEquals(Kind.UNAVAILABLE, stopped.kind(), stopped.detail());
        assertEquals("Entra connector stopped", stopped.detail());
        waitFor(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(thread -> thread.isAlive()
                && thread.getName().startsWith(retired.threadPrefix())), "the retired client's threads end");
        long polls = emulator.polls();
        Thread.sleep(500);
        assertEquals(polls, emulator.polls(), "no poll after deactivation");
    }

    /** Waits until the condition holds; fails after a generous bound. */
    static void waitFor(java.util.function.BooleanSupplier condition, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting: " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void aBadConfigurationIsRefusedNamingTheKey() {
        Map<String, Object> good = emulator.configuration();
        assertRefused(good, "tenantId", null);
        assertRefused(good, "tenantId", "contoso/../x");
        assertRefused(good, "clientId", "not/an id");
        assertRefused(good, "serviceUrl", "http://127.0.0.1/Connector");
        assertRefused(good, "resource", "not a url");
        assertRefused(good, "authenticationMethodId", "Phone App<");
        assertRefused(good, "lcid", "english please");
        assertRefused(good, "authority", "not a url");
        assertRefused(good, "userLookup", "objectSid");
        assertRefused(good, "requireUserMatch", "yes");
        assertRefused(good, "pollIntervalMillis", "5");
        assertRefused(good, "clientSecretExpires", "31/12/2026");
        assertRefused(good, "trustStore", "/nonexistent/truststore.p12");
        assertRefused(good, "trustStorePassword", "wrong");
        Map<String, Object> none = new HashMap<>(good);
        none.remove(".clientSecret");
        assertEquals("certificatePath", assertThrows(InvalidConfigurationException.class,
                () -> EntraSettings.read(none, null)).key(), "a credential is required");
        assertEquals(EntraSettings.MFA_CLIENT_APP_ID, assertDoesNotThrow(() -> EntraSettings.read(good, null))
                .clientId(), "the Azure Multi-Factor Auth Client by default");
        Map<String, Object> both = new HashMap<>(good);
        both.put("certificatePath", "/nonexistent.p12");
        assertEquals("certificatePath", assertThrows(InvalidConfigurationException.class,
                () -> EntraSettings.read(both, null)).key());
        Map<String, Object> sealed = new HashMap<>(good);
        sealed.put(".clientSecret", "{aes-gcm}AAAA");
        assertEquals(".clientSecret", assertThrows(InvalidConfigurationException.class,
                () -> EntraSettings.read(sealed, null)).key(), "sealed secret but no vault");

        // The component: refused until corrected, then a bad change keeps the last good configuration.
        Map<String, Object> bad = new HashMap<>(good);
        bad.remove("tenantId");
        EntraConnector connector = new EntraConnector(null, bad);
        connectors.add(connector);
        MfaOutcome refused = verify(connector, "bob@example.com");
        assertEquals(Kind.UNAVAILABLE, refused.kind());
        assertTrue(refused.detail().contains("key 'tenantId': is required"), refused.detail());
        connector.modified(new HashMap<>(good));
        assertNull(connector.refusal());
        assertEquals(Kind.DENIED, verify(connector, "bob@example.com").kind());
        connector.modified(bad);
        assertTrue(connector.refusal().contains("tenantId"));
        assertEquals(Kind.DENIED, verify(connector, "bob@example.com").kind(), "last good configuration serves");
    }

    private static void assertRefused(Map<String, Object> good, String key, String value) {
        Map<String, Object> config = new HashMap<>(good);
        if (value == null) {
            config.remove(key);
        } else {
            config.put(key, value);
        }
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> EntraSettings.read(config, null), key + "=" + value);
        assertEquals(key, e.key(), e.getMessage());
        assertFalse(e.getMessage().contains(EntraEmulator.CLIENT_SECRET), "never the secret in the message");
    }

    @Test
    void theSecretsArePrivateAndTheirKeysWithoutTheDotStillWorkWithAWarning() throws Exception {
        for (String key : new String[] {"clientSecret", "certificatePassword"}) {
            assertTrue(EntraSettings.TYPE.declares("." + key), key);
            assertFalse(EntraSettings.TYPE.declares(key), "a public " + key + " would become a service property");
        }
        Map<String, Object> legacy = new HashMap<>();
        legacy.put(".clientSecret", null);
        legacy.put("clientSecret", EntraEmulator.CLIENT_SECRET);
        legacy.put("service.pid", EntraConnector.PID);
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        EntraConnector connector;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            connector = connector(legacy);
        } finally {
            System.setErr(original);
        }
        assertEquals(Kind.DENIED, verify(connector, "bob@example.com").kind(), "signed in with the old key's secret");
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("configuration " + EntraConnector.PID + ": rename the key 'clientSecret' to"
                + " '.clientSecret'"), log);
        assertFalse(log.contains("key 'clientSecret' is not an Entra connector setting"), log);
        assertFalse(log.contains(EntraEmulator.CLIENT_SECRET), "the secret is never logged");

        Map<String, Object> sealed = new HashMap<>(emulator.configuration());
        sealed.remove(".clientSecret");
        sealed.put("clientSecret", "{aes-gcm}AAAA");
        assertEquals("clientSecret", assertThrows(InvalidConfigurationException.class,
                () -> EntraSettings.read(sealed, null)).key(), "a refusal names the key the file has");

        Path p12 = keys.resolve("legacy.p12");
        EntraEmulator.keytool(p12, "app", "RSA", "CN=radmfa-legacy", null, null, 365);
        Map<String, Object> certificate = new HashMap<>(emulator.configuration());
        certificate.remove(".clientSecret");
        certificate.put("certificatePath", p12.toString());
        certificate.put("certificatePassword", emulator.trustStorePassword());
        assertTrue(EntraSettings.read(certificate, null).credential().description().startsWith(
                "certificate CN=radmfa-legacy"));
        certificate.put("certificatePassword", "wrong");
        assertEquals("certificatePassword", assertThrows(InvalidConfigurationException.class,
                () -> EntraSettings.read(certificate, null)).key());
        certificate.put(".certificatePassword", certificate.remove("certificatePassword"));
        assertEquals(".certificatePassword", assertThrows(InvalidConfigurationException.class,
                () -> EntraSettings.read(certificate, null)).key());
    }

    /** A PEM whose base64 is broken is refused naming certificatePath, not some other key. */
    @Test
    void aPemWithBrokenBase64IsRefusedNamingCertificatePath() throws Exception {
        Path p12 = keys.resolve("broken.p12");
        EntraEmulator.keytool(p12, "app", "RSA", "CN=radmfa-broken", null, null, 365);
        KeyStore store = KeyStore.getInstance(p12.toFile(), emulator.trustStorePassword().toCharArray());
        byte[] key = store.getKey("app", emulator.trustStorePassword().toCharArray()).getEncoded();
        // Cut short to 4n+1 characters: the decoder's "Last unit does not have enough valid bits".
        String base64 = Base64.getEncoder().withoutPadding().encodeToString(key);
        base64 = base64.substring(0, base64.length() - 1);
        while (base64.length() % 4 != 1) {
            base64 = base64.substring(0, base64.length() - 1);
        }
        Path pem = keys.resolve("broken.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(
                store.getCertificate("app").getEncoded()) + "\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n"
                + base64 + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        Map<String, Object> config = new HashMap<>(emulator.configuration());
        config.remove(".clientSecret");
        config.put("certificatePath", pem.toString());

        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> EntraSettings.read(config, null));
        assertEquals("certificatePath", refused.key(), refused.getMessage());
        EntraConnector connector = new EntraConnector(null, config);
        connectors.add(connector);
        assertTrue(connector.refusal().contains("key 'certificatePath': cannot read '" + pem + "' as PEM"),
                connector.refusal());
        assertFalse(connector.refusal().contains("authority"), connector.refusal());
    }

    @Test
    void anExpiredSecretIsUnavailableWithoutCallingOut() {
        EntraConnector connector = connector(Map.of("clientSecretExpires", "2020-01-31"));
        assertEquals(LocalDate.of(2020, 1, 31).atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
                connector.credentialExpiry().orElseThrow());
        MfaOutcome outcome = verify(connector, "alice@example.com");
        assertEquals(Kind.UNAVAILABLE, outcome.kind());
        assertTrue(outcome.detail().startsWith("credential expired on 2020-01-31"), outcome.detail());
        assertEquals(0, emulator.tokenRequests());
        assertTrue(emulator.requests().isEmpty(), emulator.requests().toString());

        EntraConnector valid = connector(Map.of("clientSecretExpires", "2999-12-31"));
        assertEquals(Kind.DENIED, verify(valid, "bob@example.com").kind());
    }

    @Test
    void certificateCredentialsFromPkcs12AndPemAndAnExpiredCertificate() throws Exception {
        Path p12 = keys.resolve("app.p12");
        EntraEmulator.keytool(p12, "app", "RSA", "CN=radmfa-app", null, null, 365);
        Map<String, Object> withCertificate = new HashMap<>();
        withCertificate.put(".clientSecret", null);
        withCertificate.put("certificatePath", p12.toString());
        withCertificate.put(".certificatePassword", emulator.trustStorePassword());
        KeyStore store = KeyStore.getInstance(p12.toFile(), emulator.trustStorePassword().toCharArray());
        X509Certificate certificate = (X509Certificate) store.getCertificate("app");
        EntraConnector unregistered = connector(withCertificate);
        MfaOutcome refused = verify(unregistered, "alice@example.com");
        assertTrue(refused.detail().contains("AADSTS700027"), "not yet a key credential: " + refused.detail());
        emulator.addKeyCredential(certificate);
        EntraConnector connector = connector(withCertificate);
        assertNull(connector.refusal(), connector.refusal());
        MfaOutcome outcome = verify(connector, "alice@example.com");
        assertEquals(Kind.APPROVED, outcome.kind(), outcome.detail());
        assertEquals("certificate", emulator.lastClientAuthentication());
        assertEquals(certificate.getNotAfter().toInstant(), connector.credentialExpiry().orElseThrow());

        Path pem = keys.resolve("app.pem");
        PrivateKey key = (PrivateKey) store.getKey("app", emulator.trustStorePassword().toCharArray());
        Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        try (OutputStream out = Files.newOutputStream(pem)) {
            out.write(("-----BEGIN CERTIFICATE-----\n" + base64.encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n"
                    + base64.encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        Map<String, Object> pemConfig = new HashMap<>(emulator.configuration());
        pemConfig.remove(".clientSecret");
        pemConfig.put("certificatePath", pem.toString());
        EntraSettings settings = EntraSettings.read(pemConfig, null);
        assertEquals(certificate.getNotAfter().toInstant(), settings.credentialExpiry());
        assertTrue(settings.toString().contains("certificate CN=radmfa-app"), settings.toString());

        Path old = keys.resolve("old.p12");
        EntraEmulator.keytool(old, "old", "RSA", "CN=radmfa-old", null, "-30d", 10);
        Map<String, Object> expiredConfig = new HashMap<>(withCertificate);
        expiredConfig.put("certificatePath", old.toString());
        MfaOutcome expired = verify(connector(expiredConfig), "alice@example.com");
        assertEquals(Kind.UNAVAILABLE, expired.kind());
        assertTrue(expired.detail().startsWith("credential expired on "), expired.detail());
        assertTrue(expired.detail().contains("CN=radmfa-old"), expired.detail());
        assertNotNull(connector.credentialExpiry());
    }
}
