package org.radmfa.api;

import java.time.Duration;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Access-Challenges waiting for the user's answer, shared between appliances (radmfa-cluster): when the gateway sends
 * the answer (a TOTP code with the challenge's State) to another appliance than the one that asked, that appliance
 * can resume the login instead of rejecting an unknown State. Optional: without it, a challenge is answered only
 * where it was made. Implementations keep the challenges sealed and never block a request for long.
 *
 * @since 1.8
 */
@ProviderType
public interface SharedChallenges {

    /**
     * Publishes a challenge this appliance made.
     *
     * @param state the State attribute sent with the Access-Challenge
     * @param challenge what resuming the login needs, as the pipeline writes it
     * @param pendingAtMost how long the answer may take
     */
    void offer(byte[] state, String challenge, Duration pendingAtMost);

    /**
     * Takes the challenge published under {@code state}: at most once, whichever appliance asks first.
     *
     * @return empty when no appliance published one, it has expired or was taken, or the others do not answer in time
     */
    Optional<String> take(byte[] state);

    /**
     * Withdraws the challenge published under {@code state}, without waiting: the appliance that made it is
     * resuming it from its own copy, and no other appliance may take it after that.
     */
    void discard(byte[] state);

    /**
     * Withdraws the challenge published under {@code state}, for the appliance that made it and is about to resume
     * it from its own copy, and says whether that copy may still be answered: it may not when another appliance
     * already took the challenge (a State answers once in the cluster). Unlike {@link #discard}, it waits for the
     * cluster, briefly.
     *
     * @return false only when another appliance demonstrably took the challenge first; true when this appliance
     *         withdrew it, when the cluster no longer holds it, and when the others do not answer in time (the
     *         local copy stands, so that a cluster that is away never blocks a login). The default withdraws
     *         without waiting and answers true, as appliances did before.
     * @since 1.13
     */
    default boolean withdraw(byte[] state) {
        discard(state);
        return true;
    }
}
