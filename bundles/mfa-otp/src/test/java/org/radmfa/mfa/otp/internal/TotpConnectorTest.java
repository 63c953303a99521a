package org.radmfa.mfa.otp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaRequest;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.SharedOneTimeCodes;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.User;

class TotpConnectorTest {
    /** RFC 6238 appendix B: the SHA-1 seed. */
    private static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final Instant NOW = Instant.ofEpochSecond(1_111_111_111L);

    @Test
    void rfc6238Vectors() {
        Totp eight = new Totp(8);
        assertEquals("94287082", eight.code(SEED, Totp.step(59)));
        assertEquals("07081804", eight.code(SEED, Totp.step(1_111_111_109L)));
        assertEquals("14050471", eight.code(SEED, Totp.step(1_111_111_111L)));
        assertEquals("89005924", eight.code(SEED, Totp.step(1_234_567_890L)));
        assertEquals("69279037", eight.code(SEED, Totp.step(2_000_000_000L)));
        assertEquals("65353130", eight.code(SEED, Totp.step(20_000_000_000L)));
        assertEquals("287082", new Totp(6).code(SEED, Totp.step(59)));
    }

    @Test
    void base32RoundTripsAndMatchesRfc4648() {
        assertEquals("MZXW6YTBOI", Base32.encode("foobar".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), Base32.decode("MZXW6YTBOI"));
        assertArrayEquals(SEED, Base32.decode(Base32.encode(SEED)));
    }

    private static TotpConnector connector(Instant now) {
        return connector(now, null);
    }

    private static TotpConnector connector(Instant now, org.radmfa.api.SecretVault vault) {
        TotpConnector.Config config = new TotpConnector.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return TotpConnector.Config.class;
            }

            @Override
            public int digits() {
                return 6;
            }

            @Override
            public int window() {
                return 1;
            }

            @Override
            public int maxFailures() {
                return 3;
            }

            @Override
            public int failureWindowSeconds() {
                return 300;
            }

            @Override
            public String prompt() {
                return "Code?";
            }

            @Override
            public String issuer() {
                return "radmfa";
            }
        };
        TotpConnector connector = new TotpConnector(null, vault, config, Clock.fixed(now, ZoneOffset.UTC));
        connector.put("k", "Alice", SEED, "k.cfg");
        return connector;
    }

    private static MfaOutcome answer(TotpConnector connector, String user, String code) {
        AuthenticationRequest request = new AuthenticationRequest("t", new RadiusClient("gw", "127.0.0.1",
                SharedSecret.of("x"), null, true), new InetSocketAddress(1), user, new PapCredentials(code),
                List.of(), NOW);
        return connector.verify(new MfaRequest(request, new User(user, Set.of(), "local"), "P", NOW.plusSeconds(50),
                code, code == null ? null : new byte[16])).toCompletableFuture().join();
    }

    private static String code(long epochSeconds) {
        return new Totp(6).code(SEED, Totp.step(epochSeconds));
    }

    @Test
    void firstRoundChallengesThenTheRightCodeIsApprovedOnce() {
        TotpConnector connector = connector(NOW);
        MfaOutcome challenge = answer(connector, "alice", null);
        assertEquals(MfaOutcome.Kind.CHALLENGE, challenge.kind());
        assertEquals("Code?", challenge.prompt());
        assertEquals(16, challenge.state().length);
        assertEquals(MfaOutcome.Kind.APPROVED, answer(connector, "alice", code(NOW.getEpochSecond())).kind());
        MfaOutcome replay = answer(connector, "alice", code(NOW.getEpochSecond()));
        assertEquals(MfaOutcome.Kind.DENIED, replay.kind());
        assertEquals("code already used", replay.detail());
        assertEquals(MfaOutcome.Kind.DENIED, answer(connector, "alice", code(NOW.getEpochSecond() - 30)).kind(),
                "an older code than the one used is a replay too");
    }

    @Test
    void aCodeUsedStaysUsedWhenItsEnrollmentIsReadAgain() {
        TotpConnector connector = connector(NOW);
        assertEquals(MfaOutcome.Kind.APPROVED, answer(connector, "alice", code(NOW.getEpochSecond())).kind());
        connector.put("k", "Alice", SEED, "k.cfg"); // the same file read again (edited elsewhere, or touched)
        MfaOutcome replay = answer(connector, "alice", code(NOW.getEpochSecond()));
        assertEquals(MfaOutcome.Kind.DENIED, replay.kind());
        assertEquals("code already used", replay.detail());
    }

    @Test
    void aSmallClockDriftIsToleratedAndNoMore() {
        assertEquals(MfaOutcome.Kind.APPROVED, answer(connector(NOW), "alice", code(NOW.getEpochSecond() - 30)).kind());
        assertEquals(MfaOutcome.Kind.APPROVED, answer(connector(NOW), "alice", code(NOW.getEpochSecond() + 30)).kind());
        assertEquals(MfaOutcome.Kind.DENIED, answer(connector(NOW), "alice", code(NOW.getEpochSecond() - 90)).kind());
    }

    @Test
    void wrongCodesAreLimitedPerUserAndUnenrolledUsersSaySo() {
        TotpConnector connector = connector(NOW);
        for (int i = 0; i < 3; i++) {
            assertEquals("wrong code", answer(connector, "alice", "000000".equals(code(NOW.getEpochSecond()))
                    ? "111111" : "000000").detail());
        }
        MfaOutcome limited = answer(connector, "alice", code(NOW.getEpochSecond()));
        assertEquals(MfaOutcome.Kind.DENIED, limited.kind());
        assertNotNull(limited.detail());
        assertEquals("too many wrong codes: 3 in the last 300 s", limited.detail());
        assertEquals(MfaOutcome.Kind.NOT_ENROLLED, answer(connector, "bob", null).kind());
        assertEquals(MfaOutcome.Kind.APPROVED, answer(connector(NOW.plusSeconds(301)), "alice",
                code(NOW.getEpochSecond() + 301)).kind(), "a fresh connector (or window) forgets the failures");
    }

    /**
     * Two appliances of a cluster, sharing used codes as radmfa-cluster does (its Hazelcast implementation is tested
     * in the cluster bundle): a code accepted by one is refused by the other, and each still accepts the next code.
     */
    @Test
    void aCodeAcceptedByOneApplianceIsRefusedByAnother() {
        java.util.Map<String, java.time.Duration> used = new java.util.concurrent.ConcurrentHashMap<>();
        SharedOneTimeCodes cluster = (use, remember) -> used.putIfAbsent(use, remember) == null;
        TotpConnector first = connector(NOW);
        TotpConnector second = connector(NOW);
        first.sharedCodes(cluster);
        second.sharedCodes(cluster);
        assertEquals(MfaOutcome.Kind.APPROVED, answer(first, "alice", code(NOW.getEpochSecond())).kind());
        MfaOutcome replay = answer(second, "alice", code(NOW.getEpochSecond()));
        assertEquals(MfaOutcome.Kind.DENIED, replay.kind());
        assertEquals("code already used on another appliance", replay.detail());
        assertEquals(java.util.Set.of(java.time.Duration.ofSeconds(120)), java.util.Set.copyOf(used.values()),
                "remembered while the drift window (one step either side) could still accept it");
        assertEquals(1, used.size(), "the use, not the code, is what travels: one entry per user and step");
        assertTrue(used.keySet().iterator().next().startsWith("totp\nalice\n"));
        TotpConnector later = connector(NOW.plusSeconds(30));
        later.sharedCodes(cluster);
        assertEquals(MfaOutcome.Kind.APPROVED, answer(later, "alice", code(NOW.getEpochSecond() + 30)).kind(),
                "the next step's code is a new code");
    }

    @Test
    void enrollmentFilesAreReadAndABadOneIsRefusedWhileTheLastGoodOneServes() {
        org.radmfa.api.SecretVault vault = new org.radmfa.api.SecretVault() {
            @Override
            public String seal(String secret) {
                return "{aes-gcm}" + secret;
            }

            @Override
            public String open(String sealed) {
                if (!sealed.startsWith("{aes-gcm}")) {
                    throw new IllegalArgumentException("not sealed by this appliance's vault");
                }
                return sealed.substring("{aes-gcm}".length());
            }
        };
        TotpConnector connector = connector(NOW, vault);
        var files = connector.enrollmentFiles();
        java.util.Hashtable<String, Object> bob = new java.util.Hashtable<>(java.util.Map.of("service.pid",
                "org.radmfa.otp~bob", "felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.otp-bob.cfg",
                "user", "bob", "secret", "{aes-gcm}" + Base32.encode(SEED)));
        files.updated("org.radmfa.otp~bob", bob);
        assertEquals(List.of("Alice", "bob"), connector.users());

        bob.put("secret", "{aes-gcm}" + Base32.encode(new byte[9]));
        files.updated("org.radmfa.otp~bob", bob);
        org.radmfa.api.config.Refusal refusal = files.refusals().get(0);
        assertEquals("etc/org.radmfa.otp-bob.cfg", refusal.source());
        assertEquals("secret", refusal.key());
        assertEquals("is shorter than 80 bits", refusal.reason());
        assertEquals(List.of("Alice", "bob"), connector.users(), "the last good enrollment keeps serving");

        files.deleted("org.radmfa.otp~bob");
        assertEquals(List.of("Alice"), connector.users());
    }
}
