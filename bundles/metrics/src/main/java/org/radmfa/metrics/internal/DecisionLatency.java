package org.radmfa.metrics.internal;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.radmfa.api.AuthMethod;
import org.radmfa.api.Decision;
import org.radmfa.api.DecisionListener;
import org.radmfa.api.DecisionRecord;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;

/**
 * How long decisions take, by outcome and authentication method (pap, chap, mschapv2, eap-mschapv2, eap-tls, peap,
 * eap for EAP forwarded untouched, none where no credentials were looked at): the one series the statistics services cannot give, since it needs every
 * decision. Classic buckets only (the text formats cannot carry native histograms), spread from a local password
 * check (milliseconds) to a push the user answers late (a minute). Owned by {@link MetricsServlet}, which registers
 * it as a {@link DecisionListener} by hand: no other bundle has a use for the type itself.
 */
public final class DecisionLatency implements DecisionListener {
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60};

    private final Histogram histogram = Histogram.builder().name("radmfa_decision_duration_seconds")
            .help("Time from an Access-Request's arrival to its decision (second factor included), by outcome and"
                    + " authentication method")
            .labelNames("outcome", "method").classicOnly().classicUpperBounds(BUCKETS)
            // No trace ids to link; sampling exemplars cost more than the observation itself at full load.
            .withoutExemplars().build();

    /**
     * Each series' data point, by outcome and method (the last column: none), looked up once: the labels' lookup
     * (lower-casing, a list, a map) cost more per decision than the observation. Series are never removed.
     */
    private static final int COLUMNS = AuthMethod.values().length + 1;
    private final AtomicReferenceArray<DistributionDataPoint> series =
            new AtomicReferenceArray<>(Decision.Outcome.values().length * COLUMNS);

    @Override
    public void decided(DecisionRecord record) {
        Decision.Outcome outcome = record.decision().outcome();
        AuthMethod method = record.method();
        int index = outcome.ordinal() * COLUMNS + (method == null ? COLUMNS - 1 : method.ordinal());
        DistributionDataPoint point = series.get(index);
        if (point == null) {
            // A race makes the same lookup twice: the histogram hands out one data point per series.
            point = histogram.labelValues(outcome.name().toLowerCase(Locale.ROOT), method(method));
            series.set(index, point);
        }
        point.observe(record.millis() / 1000.0);
    }

    /** The enum's name as operators write it: EAP_MSCHAPV2 is eap-mschapv2. Seven values at most. */
    static String method(AuthMethod method) {
        return method == null ? "none" : method.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    Histogram histogram() {
        return histogram;
    }
}
