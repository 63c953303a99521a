package org.radmfa.pipeline.internal;

import java.util.List;

import org.radmfa.api.Decision;
import org.radmfa.api.LoggingHealth;
import org.radmfa.api.ReasonCode;

/** NPS: "if logging fails, discard connection requests"; nobody gets in unlogged. */
final class LoggingGate {
    private LoggingGate() {
    }

    /** The reject when a sink whose policy is discard-requests cannot write; null when logging works. */
    static Decision refusal(List<LoggingHealth> sinks, List<String> trace) {
        for (LoggingHealth health : sinks) {
            if (health.discardsRequests()) {
                String why = "'" + health.name() + "' cannot write (" + health.failure().orElse("failing")
                        + ") and its onFailure is discard-requests";
                trace.add("logging failed: " + why);
                return Decision.reject(ReasonCode.LOGGING_FAILED, why, trace);
            }
        }
        return null;
    }
}
