package org.radmfa.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AccountingSink;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.ClientStatistics;
import org.radmfa.api.ClusterMembership;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.ListenerStatus;
import org.radmfa.api.LoggingHealth;
import org.radmfa.api.MfaActivity;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaStatus;
import org.radmfa.api.RadiusStatistics;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.RemoteServerGroups;
import org.radmfa.api.RemoteServerStatus;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

class ApplianceCollectorTest {

    private static final RadiusStatistics RADIUS = new RadiusStatistics() {
        @Override
        public List<ClientStatistics> clients() {
            return List.of(new ClientStatistics("vpn-gw", null, Instant.now(), 10, 1,
                    Map.of("ACCEPT", 7L, "REJECT", 3L), Map.of("AUTHENTICATION_FAILED", 2L, "MFA_DENIED", 1L),
                    Map.of("BAD_MESSAGE_AUTHENTICATOR", 4L), 4, 2));
        }

        @Override
        public List<ListenerStatus> listeners() {
            return List.of(new ListenerStatus("authentication", new InetSocketAddress("127.0.0.1", 1812),
                    new InetSocketAddress("127.0.0.1", 1812), null), new ListenerStatus("accounting",
                            new InetSocketAddress("127.0.0.1", 1813), null, "Address already in use"));
        }
    };

    private static final MfaActivity MFA = () -> new MfaStatus("entra", 2,
            Map.of(MfaOutcome.Kind.APPROVED, 5L, MfaOutcome.Kind.DENIED, 1L), null, null, null);

    private static String scrape(ApplianceCollector.Sources sources, DecisionRecord... decisions) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new ApplianceCollector(sources));
        DecisionLatency latency = new DecisionLatency();
        registry.register(latency.histogram());
        for (DecisionRecord decision : decisions) {
            latency.decided(decision);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static ApplianceCollector.Sources sources(RadiusStatistics radius, MfaActivity mfa, List<LoggingHealth> sinks,
            ClusterMembership cluster) {
        return sources(radius, mfa, sinks, cluster, null);
    }

    private static ApplianceCollector.Sources sources(RadiusStatistics radius, MfaActivity mfa, List<LoggingHealth> sinks,
            ClusterMembership cluster, RemoteServerGroups forwarding) {
        return sources(radius, mfa, sinks, cluster, forwarding, List.of());
    }

    private static ApplianceCollector.Sources sources(RadiusStatistics radius, MfaActivity mfa, List<LoggingHealth> sinks,
            ClusterMembership cluster, RemoteServerGroups forwarding, List<AccountingSink> accountingSinks) {
        return new ApplianceCollector.Sources() {
            @Override
            public RadiusStatistics radius() {
                return radius;
            }

            @Override
            public MfaActivity mfa() {
                return mfa;
            }

            @Override
            public List<LoggingHealth> loggingSinks() {
                return sinks;
            }

            @Override
            public ClusterMembership cluster() {
                return cluster;
            }

            @Override
            public RemoteServerGroups forwarding() {
                return forwarding;
            }

            @Override
            public List<AccountingSink> accountingSinks() {
                return accountingSinks;
            }
        };
    }

    @Test
    void theDepthOfAnAccountingDatabasesSpoolIsAGaugePerSinkWithASpool() throws IOException {
        AccountingSink pgsql = new AccountingSink() {
            @Override
            public String name() {
                return "pgsql";
            }

            @Override
            public CompletionStage<Void> store(AccountingRecord record) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public long spoolSegments() {
                return 4;
            }
        };
        AccountingSink file = new AccountingSink() {
            @Override
            public String name() {
                return "file";
            }

            @Override
            public CompletionStage<Void> store(AccountingRecord record) {
                return CompletableFuture.completedFuture(null);
            }
        };

        String page = scrape(sources(RADIUS, MFA, List.of(), null, null, List.of(pgsql, file)));

        assertTrue(page.contains("radmfa_accounting_spool_segments{sink=\"pgsql\"} 4.0"), page);
        assertFalse(page.contains("radmfa_accounting_spool_segments{sink=\"file\"}"), page);
    }

    @Test
    void forwardedAccountingWaitingInTheSpoolIsAGaugeOnlyWhileForwardingRuns() throws IOException {
        RemoteServerGroups forwarding = new RemoteServerGroups() {
            @Override
            public List<RemoteServerStatus> servers() {
                return List.of();
            }

            @Override
            public int spooledAccounting() {
                return 3;
            }
        };

        assertTrue(scrape(sources(RADIUS, MFA, List.of(), null, forwarding))
                .contains("radmfa_forwarded_accounting_spooled 3.0"));
        assertFalse(scrape(sources(RADIUS, MFA, List.of(), null)).contains("radmfa_forwarded_accounting_spooled"));
    }

    @Test
    void countersPerClientOutcomeAndReasonAndTheLatencyHistogram() throws IOException {
        DecisionRecord accepted = new DecisionRecord("1", Instant.now(), "vpn-gw", "alice.secret-name",
                Decision.reject(ReasonCode.AUTHENTICATION_FAILED, "wrong password", List.of()), 120, "c-1", List.of(),
                AuthMethod.EAP_MSCHAPV2);
        String page = scrape(sources(RADIUS, MFA, List.of(), null), accepted);

        assertTrue(page.contains("radmfa_radius_requests_total{client=\"vpn-gw\"} 10.0"), page);
        assertTrue(page.contains("radmfa_radius_answers_total{client=\"vpn-gw\",outcome=\"accept\"} 7.0"), page);
        assertTrue(page.contains("radmfa_radius_rejects_total{client=\"vpn-gw\",reason=\"authentication_failed\"} 2.0"),
                page);
        assertTrue(page.contains("radmfa_radius_drops_total{client=\"vpn-gw\",reason=\"bad_message_authenticator\"} 4.0"),
                page);
        assertTrue(page.contains("radmfa_radius_listener_up{address=\"127.0.0.1:1813\",kind=\"accounting\"} 0.0"),
                page);
        assertTrue(page.contains("radmfa_mfa_pending 2.0"), page);
        assertTrue(page.contains("radmfa_mfa_outcomes_total{outcome=\"approved\"} 5.0"), page);
        assertTrue(page.contains("radmfa_mfa_outcomes_total{outcome=\"timed_out\"} 0.0"), page);
        assertTrue(page.contains("radmfa_decision_duration_seconds_bucket{method=\"eap-mschapv2\",outcome=\"reject\",le=\"0.25\"} 1"), page);
        assertTrue(page.contains("radmfa_decision_duration_seconds_bucket{method=\"eap-mschapv2\",outcome=\"reject\",le=\"0.1\"} 0"), page);
        assertFalse(page.contains("alice"), "never a user name in a label");
    }

    @Test
    void absentServicesLeaveTheirMetricsOutAndTheClusterShowsWhenItRuns() throws IOException {
        LoggingHealth full = new LoggingHealth() {
            @Override
            public String name() {
                return "accounting file 'dts'";
            }

            @Override
            public Optional<String> failure() {
                return Optional.of("disk full");
            }

            @Override
            public boolean discardsRequests() {
                return false;
            }

            @Override
            public long refusedRecords() {
                return 3;
            }
        };
        ClusterMembership cluster = new ClusterMembership() {
            @Override
            public String localNode() {
                return "a";
            }

            @Override
            public List<String> members() {
                return List.of("10.0.0.1:5701");
            }

            @Override
            public int configuredMembers() {
                return 2;
            }
        };
        LoggingHealth syslog = new LoggingHealth() {
            @Override
            public String name() {
                return "syslog:siem";
            }

            @Override
            public Optional<String> failure() {
                return Optional.empty();
            }

            @Override
            public boolean discardsRequests() {
                return false;
            }

            @Override
            public long refusedRecords() {
                return 0;
            }

            @Override
            public long queuedRecords() {
                return 42;
            }
        };
        String page = scrape(sources(null, null, List.of(full, syslog), cluster));
        assertTrue(page.contains("radmfa_logging_queued_records{sink=\"syslog:siem\"} 42.0"), page);
        assertFalse(page.contains("radmfa_logging_queued_records{sink=\"accounting file 'dts'\"}"),
                "a sink without a queue reports none: " + page);
        assertFalse(page.contains("radmfa_radius_requests"), page);
        assertFalse(page.contains("radmfa_mfa_pending"), page);
        assertTrue(page.contains("radmfa_logging_sink_up{sink=\"accounting file 'dts'\"} 0.0"), page);
        assertTrue(page.contains("radmfa_logging_refused_records_total{sink=\"accounting file 'dts'\"} 3.0"), page);
        assertTrue(page.contains("radmfa_cluster_members 1.0"), page);
        assertTrue(page.contains("radmfa_cluster_configured_members 2.0"), page);
    }

    @Test
    void mfaLatencyByOutcome() throws IOException {
        MfaLatency latency = new MfaLatency();
        latency.completed(MfaOutcome.Kind.APPROVED, java.time.Duration.ofMillis(7_500));
        latency.completed(MfaOutcome.Kind.TIMED_OUT, java.time.Duration.ofSeconds(60));
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(latency.histogram());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        String page = out.toString(StandardCharsets.UTF_8);
        assertTrue(page.contains("radmfa_mfa_duration_seconds_bucket{outcome=\"approved\",le=\"5.0\"} 0"), page);
        assertTrue(page.contains("radmfa_mfa_duration_seconds_bucket{outcome=\"approved\",le=\"10.0\"} 1"), page);
        assertTrue(page.contains("radmfa_mfa_duration_seconds_count{outcome=\"timed_out\"} 1"), page);
    }
}
