package org.radmfa.metrics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.radmfa.api.AccountingSink;
import org.radmfa.api.ClientStatistics;
import org.radmfa.api.ClusterMembership;
import org.radmfa.api.ListenerStatus;
import org.radmfa.api.LoggingHealth;
import org.radmfa.api.MfaActivity;
import org.radmfa.api.MfaOutcome;
import org.radmfa.api.MfaStatus;
import org.radmfa.api.RadiusStatistics;
import org.radmfa.api.RemoteServerGroups;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Reads the statistics services at scrape time. Each source may be absent (its bundle stopped or not installed):
 * its metrics are then left out rather than reported as zero, so that a graph shows a gap, not a false calm.
 */
final class ApplianceCollector implements MultiCollector {

    /** The services read at each scrape; each returns null (or an empty list) while absent. */
    interface Sources {
        RadiusStatistics radius();

        MfaActivity mfa();

        List<LoggingHealth> loggingSinks();

        ClusterMembership cluster();

        /** Every accounting sink: those with a spool report its depth. */
        List<AccountingSink> accountingSinks();

        /** The forwarding to remote RADIUS server groups, while the proxy bundle runs. */
        RemoteServerGroups forwarding();
    }

    private final Sources sources;

    ApplianceCollector(Sources sources) {
        this.sources = sources;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> metrics = new ArrayList<>();
        RadiusStatistics radius = sources.radius();
        if (radius != null) {
            radius(radius.clients(), metrics);
            listeners(radius.listeners(), metrics);
        }
        List<GaugeDataPointSnapshot> spools = new ArrayList<>();
        for (AccountingSink sink : sources.accountingSinks()) {
            long segments = sink.spoolSegments();
            if (segments >= 0) {
                spools.add(point(segments, Labels.of("sink", sink.name())));
            }
        }
        if (!spools.isEmpty()) {
            metrics.add(gauge("radmfa_accounting_spool_segments",
                    "Spool segments (batches of records) waiting on local disk for an accounting database", spools));
        }
        RemoteServerGroups forwarding = sources.forwarding();
        if (forwarding != null) {
            metrics.add(gauge("radmfa_forwarded_accounting_spooled",
                    "Forwarded Accounting-Requests no remote server has acknowledged yet, waiting on disk",
                    List.of(point(forwarding.spooledAccounting(), Labels.EMPTY))));
        }
        MfaActivity mfa = sources.mfa();
        if (mfa != null) {
            mfa(mfa.status(), metrics);
        }
        logging(sources.loggingSinks(), metrics);
        ClusterMembership cluster = sources.cluster();
        if (cluster != null) {
            metrics.add(gauge("radmfa_cluster_members", "Cluster members this appliance sees, itself included",
                    List.of(point(cluster.members().size(), Labels.EMPTY))));
            metrics.add(gauge("radmfa_cluster_configured_members", "Cluster members the configuration lists",
                    List.of(point(cluster.configuredMembers(), Labels.EMPTY))));
        }
        return new MetricSnapshots(metrics);
    }

    private static void radius(List<ClientStatistics> clients, List<MetricSnapshot> metrics) {
        List<CounterDataPointSnapshot> requests = new ArrayList<>();
        List<CounterDataPointSnapshot> retransmits = new ArrayList<>();
        List<CounterDataPointSnapshot> answers = new ArrayList<>();
        List<CounterDataPointSnapshot> rejects = new ArrayList<>();
        List<CounterDataPointSnapshot> drops = new ArrayList<>();
        for (ClientStatistics client : clients) {
            Labels labels = Labels.of("client", client.client());
            requests.add(count(client.requests(), labels));
            retransmits.add(count(client.duplicates(), labels));
            perKey(client.answers(), labels, "outcome", answers);
            perKey(client.rejects(), labels, "reason", rejects);
            perKey(client.drops(), labels, "reason", drops);
        }
        metrics.add(counter("radmfa_radius_requests",
                "RADIUS requests that passed every check (authentication and accounting), per client", requests));
        metrics.add(counter("radmfa_radius_retransmits",
                "Retransmitted requests answered from the duplicate cache, per client", retransmits));
        metrics.add(counter("radmfa_radius_answers",
                "Answers sent, per client and outcome (accept, reject, challenge)", answers));
        metrics.add(counter("radmfa_radius_rejects", "Access-Rejects, per client and reason code", rejects));
        metrics.add(counter("radmfa_radius_drops", "Datagrams dropped without an answer, per client and reason",
                drops));
    }

    private static void perKey(Map<String, Long> counts, Labels labels, String label,
            List<CounterDataPointSnapshot> into) {
        counts.forEach((key, value) -> into.add(count(value, labels.add(label, key.toLowerCase(Locale.ROOT)))));
    }

    private static void listeners(List<ListenerStatus> listeners, List<MetricSnapshot> metrics) {
        metrics.add(gauge("radmfa_radius_listener_up", "1 while a configured RADIUS listener has its socket open",
                listeners.stream().map(listener -> point(listener.open() ? 1 : 0, Labels.of("kind", listener.kind(),
                        "address", listener.configured().getAddress().getHostAddress() + ":"
                                + listener.configured().getPort()))).toList()));
    }

    private static void mfa(MfaStatus status, List<MetricSnapshot> metrics) {
        metrics.add(gauge("radmfa_mfa_pending", "Second factors under way: pushes and challenges waiting for the user",
                List.of(point(status.pending(), Labels.EMPTY))));
        metrics.add(gauge("radmfa_mfa_connector_up", "1 while an MFA connector is bound",
                List.of(point(status.connector() == null ? 0 : 1, Labels.EMPTY))));
        List<CounterDataPointSnapshot> outcomes = new ArrayList<>();
        for (MfaOutcome.Kind kind : MfaOutcome.Kind.values()) {
            outcomes.add(count(status.outcomes().getOrDefault(kind, 0L),
                    Labels.of("outcome", kind.name().toLowerCase(Locale.ROOT))));
        }
        metrics.add(counter("radmfa_mfa_outcomes", "Second-factor attempts, by how they ended", outcomes));
    }

    private static void logging(List<LoggingHealth> sinks, List<MetricSnapshot> metrics) {
        if (sinks.isEmpty()) {
            return;
        }
        metrics.add(gauge("radmfa_logging_sink_up", "1 while an accounting or audit sink can write",
                sinks.stream().map(sink -> point(sink.failure().isPresent() ? 0 : 1, Labels.of("sink", sink.name())))
                        .toList()));
        metrics.add(counter("radmfa_logging_refused_records",
                "Records a sink refused because it could not make them durable (syslog: dropped, its buffer full)",
                sinks.stream().map(sink -> count(sink.refusedRecords(), Labels.of("sink", sink.name()))).toList()));
        List<GaugeDataPointSnapshot> queued = new ArrayList<>();
        for (LoggingHealth sink : sinks) {
            long depth = sink.queuedRecords();
            if (depth >= 0) {
                queued.add(point(depth, Labels.of("sink", sink.name())));
            }
        }
        metrics.add(gauge("radmfa_logging_queued_records",
                "Records accepted by a sink and not yet written (waiting for the disk or the syslog collector)",
                queued));
    }

    private static CounterDataPointSnapshot count(double value, Labels labels) {
        return CounterDataPointSnapshot.builder().value(value).labels(labels).build();
    }

    private static GaugeDataPointSnapshot point(double value, Labels labels) {
        return GaugeDataPointSnapshot.builder().value(value).labels(labels).build();
    }

    private static CounterSnapshot counter(String name, String help, List<CounterDataPointSnapshot> points) {
        return new CounterSnapshot(metadata(name, help), points);
    }

    private static GaugeSnapshot gauge(String name, String help, List<GaugeDataPointSnapshot> points) {
        return new GaugeSnapshot(metadata(name, help), points);
    }

    private static MetricMetadata metadata(String name, String help) {
        return new MetricMetadata(name, help);
    }
}
