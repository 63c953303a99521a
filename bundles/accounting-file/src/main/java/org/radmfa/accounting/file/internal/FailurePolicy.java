package org.radmfa.accounting.file.internal;

import java.util.Locale;

/** What a log file does when a record cannot be made durable (a write error, or free space below the threshold). */
enum FailurePolicy {
    /** The record is refused: no Accounting-Response, so the NAS retries. Logged and counted. */
    WITHHOLD_RESPONSE("withhold-response"),
    /**
     * When the failure is a lack of space: delete this sink's oldest rotated files, one at a time, and retry; refuse
     * only when none is left. Any other failure is handled as {@link #WITHHOLD_RESPONSE}.
     */
    DELETE_OLDEST("delete-oldest"),
    /** As withhold-response, and Access-Requests are turned away until logging works again (NPS's choice). */
    DISCARD_REQUESTS("discard-requests");

    private final String configName;

    FailurePolicy(String configName) {
        this.configName = configName;
    }

    String configName() {
        return configName;
    }

    /** The policy named in configuration, or null. */
    static FailurePolicy named(String text) {
        for (FailurePolicy policy : values()) {
            if (policy.configName.equals(text.trim().toLowerCase(Locale.ROOT))) {
                return policy;
            }
        }
        return null;
    }
}
