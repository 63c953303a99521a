package org.radmfa.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Reversible encryption for the secrets the appliance must be able to read back (CHAP passwords, TOTP seeds): what
 * configuration files hold is a sealed {@code {aes-gcm}...} value, never the secret itself.
 *
 * @since 1.3
 */
@ProviderType
public interface SecretVault {

    /** Seals a secret; each call gives a different text. */
    String seal(String secret);

    /**
     * Opens what {@link #seal} made.
     *
     * @throws IllegalArgumentException when the text is not sealed or was sealed with another key
     */
    String open(String sealed);
}
