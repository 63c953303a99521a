package org.radmfa.api;

import java.time.Duration;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every second-factor attempt as it ends (metrics): how it ended and how long the user and the connector
 * took. Called on the completing thread: implementations record and return at once.
 *
 * @since 1.11
 */
@ConsumerType
public interface MfaListener {

    /**
     * @param outcome how the attempt ended (a failure or a passed deadline is UNAVAILABLE or TIMED_OUT)
     * @param took from asking the connector (or joining a push already under way) to its outcome
     */
    void completed(MfaOutcome.Kind outcome, Duration took);
}
