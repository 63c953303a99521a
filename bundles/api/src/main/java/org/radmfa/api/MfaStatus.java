package org.radmfa.api;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of the second factor's activity since the pipeline started.
 *
 * @param connector the name of the MFA connector the pipeline uses now, or null when none is bound
 * @param pending second factors under way: pushes waiting for the user, and challenges waiting for a code
 * @param outcomes how attempts ended, by kind (an attempt that failed or passed its deadline counts as
 *     UNAVAILABLE or TIMED_OUT)
 * @param lastApproved when an attempt was last approved, or null
 * @param lastUnavailable when the connector was last unavailable, or null
 * @param lastUnavailableDetail why, or null
 * @since 1.5
 */
public record MfaStatus(String connector, int pending, Map<MfaOutcome.Kind, Long> outcomes, Instant lastApproved,
        Instant lastUnavailable, String lastUnavailableDetail) {

    public MfaStatus {
        outcomes = Map.copyOf(outcomes);
    }
}
