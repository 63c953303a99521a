package org.radmfa.api;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One-time codes used anywhere among appliances that share their configuration (radmfa-cluster): a TOTP code
 * accepted by one appliance is refused by the others, so that a code seen by an attacker cannot be replayed on
 * another RADIUS server of the same gateway. Optional: without this service, a code works once per appliance.
 *
 * @since 1.8
 */
@ProviderType
public interface SharedOneTimeCodes {

    /**
     * Records a use of a code, such as a user's TOTP time step.
     *
     * @param use what was used; implementations store a digest of it, not the text
     * @param remember how long a second use is refused: as long as the code could still be accepted
     * @return false if another appliance recorded the same use first; true otherwise, also when the other
     *     appliances do not answer in time (each appliance's own replay guard still holds then)
     */
    boolean firstUse(String use, Duration remember);
}
