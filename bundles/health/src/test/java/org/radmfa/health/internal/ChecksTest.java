package org.radmfa.health.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
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
import org.radmfa.api.ClientStatistics;
import org.radmfa.api.ClusterMembership;
import org.radmfa.api.ListenerStatus;
import org.radmfa.api.LoggingHealth;
import org.radmfa.api.MfaStatus;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.RadiusStatistics;
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

    private static RadiusStatistics transport(ListenerStatus... listeners) {
        return new RadiusStatistics() {
            @Override
            public List<ClientStatistics> clients() {
                return List.of();
            }

            @Override
            public List<ListenerStatus> listeners() {
                return List.of(listeners);
            }
        };
    }

    private static ClusterMembership cluster(int configured, String... members) {
        return new ClusterMembership() {
            @Override
            public String localNode() {
                return "node-a";
            }

            @Override
            public List<String> members() {
                return List.of(members);
            }

            @Override
            public int configuredMembers() {
                return configured;
            }
        };
    }

    @Test
    void aListenerThatIsNotBoundIsCriticalAndNamesItsAddressAndWhy() {
        InetSocketAddress auth = new InetSocketAddress("127.0.0.1", 1812);
        InetSocketAddress acct = new InetSocketAddress("127.0.0.1", 1813);
        assertEquals(Result.Status.OK, new ListenersCheck(transport(new ListenerStatus("authentication", auth, auth,
                null))).execute().getStatus());
        Result taken = new ListenersCheck(transport(new ListenerStatus("authentication", auth, auth, null),
                new ListenerStatus("accounting", acct, null, "Address already in use"))).execute();
        assertEquals(Result.Status.CRITICAL, taken.getStatus());
        assertTrue(taken.toString().contains("accounting cannot listen on 127.0.0.1:1813: Address already in use"),
                taken.toString());
        assertEquals(Result.Status.CRITICAL, new ListenersCheck(null).execute().getStatus());
        assertEquals(Result.Status.CRITICAL, new ListenersCheck(transport()).execute().getStatus());
    }

    @Test
    void aMissingClusterMemberIsAWarningAndNoClusterIsFine() {
        assertEquals(Result.Status.OK, new ClusterCheck(null).execute().getStatus());
        assertEquals(Result.Status.OK, new ClusterCheck(cluster(2, "10.0.0.1:5701", "10.0.0.2:5701")).execute()
                .getStatus());
        assertEquals(Result.Status.WARN, new ClusterCheck(cluster(2, "10.0.0.1:5701")).execute().getStatus());
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
