package org.radmfa.webconsole.internal;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.radmfa.api.DecisionRecord;
import org.radmfa.api.MfaStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the charts: counts each decision, and samples the counts and the MFA status into a {@link ChartSeries} once
 * per interval on one daemon thread of its own, started and stopped with the component.
 */
final class ChartSampler {

    /** How far back the charts go. */
    static final int WINDOW_SECONDS = 3600;
    private static final Logger LOG = LoggerFactory.getLogger(ChartSampler.class);

    private final Clock clock;
    private final Supplier<MfaStatus> mfa;
    private final DecisionCounts counts = new DecisionCounts();
    private volatile ChartSeries series = new ChartSeries(10, WINDOW_SECONDS);
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> sampling;

    /** @param mfa the pipeline's MFA status now, or null when there is none */
    ChartSampler(Clock clock, Supplier<MfaStatus> mfa) {
        this.clock = clock;
        this.mfa = mfa;
    }

    void count(DecisionRecord record) {
        counts.count(record);
    }

    ChartSeries series() {
        return series;
    }

    /** Samples every {@code intervalSeconds} from now on; a new interval starts a new series. */
    synchronized void start(int intervalSeconds) {
        if (sampling != null && intervalSeconds == series.intervalSeconds()) {
            return;
        }
        if (executor == null) {
            executor = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "radmfa-console-charts");
                thread.setDaemon(true);
                return thread;
            });
        }
        if (sampling != null) {
            sampling.cancel(false);
        }
        series = new ChartSeries(intervalSeconds, WINDOW_SECONDS);
        sampling = executor.scheduleAtFixedRate(this::sample, 0, intervalSeconds, TimeUnit.SECONDS);
    }

    synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
            sampling = null;
        }
    }

    void sample() {
        try {
            series.sample(clock.instant(), counts, mfa.get());
        } catch (RuntimeException e) {
            // A failed sample is a gap in the charts; an exception would end the schedule for good.
            LOG.warn("Web console: chart sample failed: {}", e.toString());
        }
    }
}
