package org.radmfa.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Logins whose second factor is pending, shared between appliances: a gateway that fails over to another appliance
 * while a push is pending joins that push instead of sending the user a second one. Optional: without this service,
 * one push per login holds within one appliance. A login is what the pipeline calls one (user and
 * Calling-Station-Id).
 *
 * @since 1.6
 */
@ProviderType
public interface SharedMfaLogins {

    /**
     * Claims a login before its second factor is asked for. Must not block on a cluster that does not answer: this
     * appliance then claims it (it asks the connector itself, as without a cluster).
     *
     * @param pendingAtMost how long the claim may stand: the MFA deadline
     * @return empty when this appliance holds the claim (it asks the connector and then calls {@link #completed});
     *     otherwise the outcome that the appliance holding the claim will publish
     */
    Optional<CompletionStage<MfaOutcome>> claim(String login, Duration pendingAtMost);

    /** Publishes the outcome of a login this appliance claimed, and releases the claim. */
    void completed(String login, MfaOutcome outcome);
}
