package org.radmfa.mfa.entra.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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

/**
 * {@code waitMode = sync}: Begin with SyncCall=true held over HTTP/2 against the emulator's Jetty front, and the ways
 * back to polling (the first login, HTTP/1.1, what the service's connections carry, {@code waitMode = poll}).
 */
class EntraSyncWaitTest {
    /** The emulator's SETTINGS_MAX_CONCURRENT_STREAMS: small, so that the limit is reached here. */
    private static final int STREAMS = 8;
    private static EntraEmulator http2;
    private static EntraEmulator http1;
    private final List<EntraConnector> connectors = new ArrayList<>();

    @BeforeAll
    static void startEmulators() throws Exception {
        http2 = EntraEmulator.startHttp2(0, 4, "127.0.0.1", STREAMS);
        http1 = EntraEmulator.start(0);
    }

    @AfterAll
    static void stopEmulators() {
        http2.close();
        http1.close();
    }

    @BeforeEach
    void users() {
        for (EntraEmulator emulator : List.of(http2, http1)) {
            emulator.reset();
            emulator.addUser("alice@example.com", "alice", "alice@example.com", Set.of("push"), Outcome.APPROVE,
                    Duration.ofMillis(300));
            emulator.addUser("slow@example.com", "slow", "slow@example.com", Set.of("push"), Outcome.APPROVE,
                    Duration.ofSeconds(2));
            emulator.addUser("bob@example.com", "bob", "bob@example.com", Set.of("push"), Outcome.DENY,
                    Duration.ofMillis(200));
            emulator.addUser("carol@example.com", "carol", "carol@example.com", Set.of("push"), Outcome.NEVER,
                    Duration.ZERO);
        }
    }

    @AfterEach
    void stopConnectors() {
        connectors.forEach(EntraConnector::deactivate);
    }

    private EntraConnector connector(EntraEmulator emulator, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(emulator.configuration());
        config.put("pollIntervalMillis", "100");
        config.putAll(overrides);
        EntraConnector connector = new EntraConnector(null, config);
        connectors.add(connector);
        return connector;
    }

    private static CompletableFuture<MfaOutcome> start(EntraConnector connector, String user, Duration timeLeft) {
        return start(connector, user, Instant.now().plus(timeLeft));
    }

    private static CompletableFuture<MfaOutcome> start(EntraConnector connector, String user, Instant deadline) {
        AuthenticationRequest request = new AuthenticationRequest("req-" + user, new RadiusClient("vpn-gw",
                "192.0.2.1", SharedSecret.of("s"), null, true), new InetSocketAddress("192.0.2.1", 1812), user,
                new PapCredentials("pw"), List.of(new RequestAttribute(0, 31, "Calling-Station-Id",
                        "203.0.113.9")), Instant.now());
        return connector.verify(new MfaRequest(request, new User(user, Set.of(), "ldap"), "VPN with MFA",
                deadline)).toCompletableFuture();
    }

    private static MfaOutcome verify(EntraConnector connector, String user) {
        return start(connector, user, Duration.ofSeconds(20)).orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Test
    void afterTheFirstAnswerOverHttp2ALoginWaitsInAHeldBeginWithoutPolling() {
        EntraConnector connector = connector(http2, Map.of());
        assertEquals(Kind.APPROVED, verify(connector, "alice@example.com").kind());
        assertFalse(http2.begins().get(0).syncCall(), "the protocol is not known before the first answer");
        long polls = http2.polls();
        assertTrue(polls > 0, "the first login polled");

        MfaOutcome second = verify(connector, "alice@example.com");
        assertEquals(Kind.APPROVED, second.kind(), second.detail());
        assertTrue(http2.begins().get(1).syncCall(), "the second login's Begin waits for the user");
        assertEquals(polls, http2.polls(), "no End call for a held Begin");
    }

    @Test
    void aDenialEndsAHeldBeginAndAUserWhoNeverAnswersTimesOutAtTheDeadline() throws Exception {
        EntraConnector connector = connector(http2, Map.of());
        assertEquals(Kind.APPROVED, verify(connector, "alice@example.com").kind());
        assertEquals(Kind.DENIED, verify(connector, "bob@example.com").kind());
        assertTrue(http2.begins().get(1).syncCall());

        MfaOutcome never = start(connector, "carol@example.com", Duration.ofMillis(1500)).orTimeout(30,
                TimeUnit.SECONDS).join();
        assertEquals(Kind.TIMED_OUT, never.kind(), never.detail());
        assertTrue(http2.begins().get(2).syncCall());
        // The timed-out Begin is given up (RST_STREAM); the answered ones are not reset. One connection's frames
        // arrive in order, so once carol's reset is in, a reset of bob's finished stream would be too.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (http2.streamResets() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, http2.streamResets(), "only the Begin still waiting is reset");
        assertEquals(Kind.APPROVED, verify(connector, "alice@example.com").kind(), "the connection still works");
    }

    @Test
    void beyondWhatTheServicesConnectionsCarryTheOthersPollWithOnePushEach() {
        // Two connections at most, two concurrent calls: 2 x 8 streams less 2 of headroom may be held.
        EntraConnector connector = connector(http2, Map.of("maxConcurrentRequests", "2"));
        assertEquals(Kind.APPROVED, verify(connector, "alice@example.com").kind());
        int capacity = 2 * STREAMS - 2;
        int logins = STREAMS * 3;
        List<CompletableFuture<MfaOutcome>> pending = new ArrayList<>();
        for (int i = 0; i < logins; i++) {
            pending.add(start(connector, "slow@example.com", Duration.ofSeconds(20)));
        }
        for (CompletableFuture<MfaOutcome> outcome : pending) {
            MfaOutcome done = outcome.orTimeout(60, TimeUnit.SECONDS).join();
            assertEquals(Kind.APPROVED, done.kind(), done.detail());
        }
        List<EntraEmulator.Begin> begins = http2.begins();
        assertEquals(logins + 1, begins.size(), "one Begin (one push) per login: " + begins);
        Set<String> contexts = new HashSet<>();
        begins.forEach(begin -> contexts.add(begin.contextId()));
        assertEquals(logins + 1, contexts.size(), "no context begun twice");
        long held = begins.stream().filter(EntraEmulator.Begin::syncCall).count();
        // A stream beyond the service's limit would have been refused, and its login not approved.
        assertEquals(capacity, held, "the held Begins filled what the connections carry, no more");
    }

    /**
     * A login that ends (its deadline, here) while its token is still coming never sends its held Begin: a push for a
     * login already over must not reach the user's phone.
     */
    @Test
    void aHeldBeginIsNotSentForALoginThatEndedWhileItsTokenCame() throws Exception {
        // Tokens living less than five minutes: MSAL and the connector ask the token endpoint at every login.
        http2.tokenLifetime(Duration.ofMinutes(2));
        EntraConnector connector = connector(http2, Map.of());
        assertEquals(Kind.APPROVED, verify(connector, "alice@example.com").kind());
        int tokens = http2.tokenRequests();
        http2.holdTokenRequests();
        CompletableFuture<MfaOutcome> ended = start(connector, "slow@example.com", Duration.ofMillis(300));
        EntraConnectorTest.waitFor(() -> http2.tokenRequests() > tokens, "the login asks for its token");
        MfaOutcome timedOut = ended.get(30, TimeUnit.SECONDS);
        assertEquals(Kind.TIMED_OUT, timedOut.kind(), timedOut.detail());
        assertTrue(timedOut.detail().contains("(step: token)"), timedOut.detail());

        http2.releaseTokenRequests();
        // MSAL's one thread runs the ended login's next step as its token comes, before it asks for the next login's
        // token: once that login has its answer, a Begin of the ended one would have been sent before its own.
        MfaOutcome next = verify(connector, "bob@example.com");
        assertEquals(Kind.DENIED, next.kind(), next.detail());
        assertEquals(tokens + 2, http2.tokenRequests(), "the next login asked for a token of its own");
        List<String> begun = http2.begins().stream().map(EntraEmulator.Begin::userPrincipalName).toList();
        assertEquals(List.of("alice@example.com", "bob@example.com"), begun, "no Begin for the login that ended");
    }

    /**
     * A deadline too far for milliseconds in a long (Instant.MAX): the login starts, its Begin is held, and it ends
     * with the connector, leaving nothing pending.
     */
    @Test
    void aDeadlineAsFarAsInstantMaxHoldsTheBeginAndEndsWithTheConnector() throws Exception {
        EntraConnector connector = connector(http2, Map.of());
        assertEquals(Kind.APPROVED, verify(connector, "alice@example.com").kind());
        EntraClient client = connector.current();
        int started = http2.authenticationsStarted();
        CompletableFuture<MfaOutcome> far = start(connector, "carol@example.com", Instant.MAX);
        assertTrue(http2.awaitAuthenticationsStarted(started + 1, Duration.ofSeconds(30)), "the push is sent");
        assertTrue(http2.begins().get(1).syncCall(), "held");
        assertFalse(far.isDone(), () -> "still waiting for the user: " + far.join().detail());
        assertEquals(1, client.pending());

        connector.deactivate();
        MfaOutcome stopped = far.get(30, TimeUnit.SECONDS);
        assertEquals(Kind.UNAVAILABLE, stopped.kind(), stopped.detail());
        assertEquals("Entra connector stopped", stopped.detail());
        assertEquals(0, client.pending(), "nothing left pending");
    }

    @Test
    void overHttp11EveryLoginPolls() {
        EntraConnector connector = connector(http1, Map.of());
        assertEquals(Kind.APPROVED, verify(connector, "alice@example.com").kind());
        assertEquals(Kind.APPROVED, verify(connector, "alice@example.com").kind());
        assertTrue(http1.begins().stream().noneMatch(EntraEmulator.Begin::syncCall), "no Begin held over HTTP/1.1");
    }

    @Test
    void waitModePollNeverHoldsABegin() {
        EntraConnector connector = connector(http2, Map.of("waitMode", "poll"));
        assertEquals(Kind.APPROVED, verify(connector, "alice@example.com").kind());
        assertEquals(Kind.APPROVED, verify(connector, "alice@example.com").kind());
        assertTrue(http2.begins().stream().noneMatch(EntraEmulator.Begin::syncCall));
    }

    @Test
    void anUnknownWaitModeOrANegativeHeldLimitIsRefusedNamingTheKey() {
        for (Map.Entry<String, String> bad : Map.of("waitMode", "push", "maxHeldCalls", "-1").entrySet()) {
            Map<String, Object> config = new HashMap<>(http2.configuration());
            config.put(bad.getKey(), bad.getValue());
            InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                    () -> EntraSettings.read(config, null));
            assertEquals(bad.getKey(), refused.key(), refused.getMessage());
        }
    }

    /** The benchmarks' emulator warms itself with held Begins of its own, then forgets them. */
    @Test
    void theEmulatorsWarmUpServesHeldBeginsAndLeavesNothingBehind() throws Exception {
        EmulatorWarmUp.run(http2, 40, 8);
        assertEquals(0, http2.authenticationsStarted(), "reset after the warm-up");
        assertTrue(http2.begins().isEmpty());
        assertEquals(0, http2.heldBegins());
        users();
        assertEquals(Kind.APPROVED, verify(connector(http2, Map.of()), "alice@example.com").kind(),
                "the emulator serves as before");
    }

    /** A clock the test moves: {@code now[0]}. */
    private static java.time.Clock clock(Instant[] now) {
        return new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
    }

    @Test
    void loginsTakeTheLastTokenWithoutAskingMsalUntilFiveMinutesBeforeItExpires() throws Exception {
        Instant[] now = {Instant.now()};
        java.time.Clock clock = clock(now);
        EntraSettings settings = EntraSettings.read(http1.configuration(), null);
        EntraClient client = new EntraClient(settings, clock);
        try {
            String first = client.token(settings.scope()).get(30, TimeUnit.SECONDS);
            assertEquals(first, client.token(settings.scope()).get(30, TimeUnit.SECONDS));
            assertEquals(1, client.msalCalls(), "the second login did not ask MSAL");
            // The emulator's tokens live 3599 s: 56 minutes on, less than five minutes are left.
            now[0] = now[0].plus(Duration.ofMinutes(56));
            client.token(settings.scope()).get(30, TimeUnit.SECONDS);
            assertEquals(2, client.msalCalls(), "near its expiry the token is asked of MSAL again");
        } finally {
            client.close();
        }
    }

    /**
     * A call that fails once the deadline has passed (its own timeout then, or here the service gone) means the user
     * did not answer in time: TIMED_OUT, as the deadline timer would have said, not the service UNAVAILABLE. CI once
     * saw a held Begin's HTTP timeout, set to the same instant, win that race.
     */
    @Test
    void aCallThatFailsAfterTheDeadlineIsATimeoutNotAnOutage() throws Exception {
        Instant[] now = {Instant.now()};
        try (EntraEmulator gone = EntraEmulator.start(0)) {
            gone.addUser("carol@example.com", "carol", "carol@example.com", Set.of("push"), Outcome.NEVER,
                    Duration.ZERO);
            Map<String, Object> config = new HashMap<>(gone.configuration());
            config.put("pollIntervalMillis", "100");
            EntraClient client = new EntraClient(EntraSettings.read(config, null), clock(now));
            try {
                AuthenticationRequest request = new AuthenticationRequest("req-carol", new RadiusClient("vpn-gw",
                        "192.0.2.1", SharedSecret.of("s"), null, true), new InetSocketAddress("192.0.2.1", 1812),
                        "carol@example.com", new PapCredentials("pw"), List.of(), now[0]);
                CompletableFuture<MfaOutcome> outcome = client.verify(new MfaRequest(request, new User(
                        "carol@example.com", Set.of(), "ldap"), "VPN with MFA", now[0].plus(Duration.ofSeconds(20))));
                long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (gone.polls() == 0 && System.nanoTime() < waitUntil) {
                    Thread.sleep(20);
                }
                assertTrue(gone.polls() > 0, "the login is polling");
                // The deadline passes on the connector's clock (its timer, on real time, is 20 s away); then the
                // service goes and the next poll fails.
                now[0] = now[0].plus(Duration.ofSeconds(21));
                gone.close();
                MfaOutcome ended = outcome.get(30, TimeUnit.SECONDS);
                assertEquals(Kind.TIMED_OUT, ended.kind(), ended.detail());
                // What the call met depends on where it was when the service went: refused at connect, or an EOF
                // on a connection open (kept alive, or its request in flight). Either way it is named after the
                // deadline, not taken for an outage.
                assertTrue(ended.detail().startsWith("no answer from the user by the deadline")
                        && ended.detail().contains("; then "), "what the call met: " + ended.detail());
            } finally {
                client.close();
            }
        }
    }
}
