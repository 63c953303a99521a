package org.radmfa.pipeline.internal;

import java.util.List;
import java.util.Locale;

import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.Decision;
import org.radmfa.api.PolicyDecision;
import org.radmfa.api.PrimaryAuthResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MFA service is unreachable: reject (the default) or, where configured, accept, optionally only for a
 * break-glass group. Every such accept is logged as such.
 */
final class FailMode {
    private static final Logger LOG = LoggerFactory.getLogger(FailMode.class);

    private volatile PipelineSettings.FailOpen failOpen = PipelineSettings.FailOpen.OFF;

    void configure(PipelineSettings.FailOpen open) {
        this.failOpen = open;
    }

    /** What becomes of a login whose second factor was unavailable ({@code unavailable}, a reject). */
    Decision apply(AuthenticationRequest request, PrimaryAuthResult primary, PolicyDecision policy,
            Decision unavailable, List<String> trace) {
        PipelineSettings.FailOpen open = failOpen;
        if (!open.enabled()) {
            return unavailable;
        }
        if (!open.groups().isEmpty() && primary.user().groups().stream()
                .noneMatch(group -> open.groups().contains(group.toLowerCase(Locale.ROOT)))) {
            trace.add("MFA fail-open applies only to groups " + open.groups() + ": rejected");
            return unavailable;
        }
        trace.add("MFA unavailable; ACCEPTED BY FAIL-OPEN (mfaFailMode = accept)");
        LOG.warn("{} FAIL-OPEN ACCEPT for user '{}' from client '{}': the MFA service is unavailable ({})",
                request.id(), request.userName(), request.client().name(), unavailable.detail());
        return Decisions.accept(policy, primary, "accepted without a second factor: MFA unavailable, fail-open",
                trace);
    }
}
