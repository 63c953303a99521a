package org.radmfa.health.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.apache.felix.hc.api.Result;
import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.LoggingHealth;
import org.radmfa.api.MfaStatus;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.UserDirectory;

class ChecksTest {
    private static final Instant NOW = Instant.parse("2026-12-05T08:00:00Z");

    private static UserDirectory directory(String name, String unreachable) {
        return new UserDirectory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<String> unreachable() {
                return Optional.ofNullable(unreachable);
            }
        };
    }

    private static LoggingHealth sink(String failure, boolean discards) {
        return new LoggingHealth() {
            @Override
            public String name() {
                return "accounting file 'dts'";
            }

            @Override
            public Optional<String> failure() {
                return Optional.ofNullable(failure);
            }

            @Override
            public boolean discardsRequests() {
                return discards;
            }

            @Override
            public long refusedRecords() {
                return 3;
            }
        };
    }

    private static MfaConnectorCheck.Config mfaConfig() {
        return new MfaConnectorCheck.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return MfaConnectorCheck.Config.class;
            }

            @Override
            public long recentFailureSeconds() {
                return 300;
            }
        };
    }

    private static Result.Status mfa(MfaStatus status) {
        return new MfaConnectorCheck(Clock.fixed(NOW, ZoneOffset.UTC), () -> status, mfaConfig()).execute()
                .getStatus();
    }

    @Test
    void directoriesAreCriticalOnlyWhenNoneIsReachable() {
        assertEquals(Result.Status.OK, new DirectoriesCheck(List.of(directory("local", null))).execute().getStatus());
        Result some = new DirectoriesCheck(List.of(directory("local", null), directory("ad", "connect refused")))
                .execute();
        assertEquals(Result.Status.WARN, some.getStatus());
        assertTrue(some.toString().contains("ad unreachable: connect refused"), some.toString());
        assertEquals(Result.Status.CRITICAL, new DirectoriesCheck(List.of(directory("ad", "timeout"))).execute()
                .getStatus());
        assertEquals(Result.Status.CRITICAL, new DirectoriesCheck(List.of()).execute().getStatus());
    }

    @Test
    void aSinkThatCannotWriteIsCriticalOnlyWhenItDiscardsRequests() {
        assertEquals(Result.Status.OK, new LoggingSinksCheck(List.of(sink(null, true))).execute().getStatus());
        assertEquals(Result.Status.WARN, new LoggingSinksCheck(List.of(sink("disk full", false))).execute()
                .getStatus());
        Result discarding = new LoggingSinksCheck(List.of(sink("disk full", true))).execute();
        assertEquals(Result.Status.CRITICAL, discarding.getStatus());
        assertTrue(discarding.toString().contains("disk full"), discarding.toString());
    }

    @Test
    void mfaWarnsWithoutAConnectorOrAfterARecentFailureOnly() {
        assertEquals(Result.Status.OK, mfa(new MfaStatus("entra", 2, Map.of(), null, null, null)));
        assertEquals(Result.Status.WARN, mfa(new MfaStatus(null, 0, Map.of(), null, null, null)));
        assertEquals(Result.Status.WARN, mfa(new MfaStatus("entra", 0, Map.of(), null, NOW.minusSeconds(60),
                "token endpoint: 401")));
        assertEquals(Result.Status.OK, mfa(new MfaStatus("entra", 0, Map.of(), null, NOW.minusSeconds(3600),
                "token endpoint: 401")));
    }
}
