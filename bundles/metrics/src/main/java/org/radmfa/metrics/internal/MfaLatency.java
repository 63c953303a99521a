package org.radmfa.metrics.internal;

import java.time.Duration;
import java.util.Locale;

import org.radmfa.api.MfaListener;
import org.radmfa.api.MfaOutcome;

import io.prometheus.metrics.core.metrics.Histogram;

/**
 * How long second factors take, by outcome: a push answered in seconds, a code typed in, a deadline passed. Buckets
 * up to two minutes, beyond any MFA deadline a gateway's RADIUS timeout allows. Like {@link DecisionLatency}, owned by
 * {@link MetricsServlet}, which registers it as an {@link MfaListener}.
 */
public final class MfaLatency implements MfaListener {
    static final double[] BUCKETS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30, 45, 60, 120};

    private final Histogram histogram = Histogram.builder().name("radmfa_mfa_duration_seconds")
            .help("Time from asking the MFA connector (or joining a push under way) to the outcome, by outcome")
            .labelNames("outcome").classicOnly().classicUpperBounds(BUCKETS).withoutExemplars().build();

    @Override
    public void completed(MfaOutcome.Kind outcome, Duration took) {
        histogram.labelValues(outcome.name().toLowerCase(Locale.ROOT)).observe(took.toNanos() / 1e9);
    }

    Histogram histogram() {
        return histogram;
    }
}
