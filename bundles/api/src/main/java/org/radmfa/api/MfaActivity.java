package org.radmfa.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the second factor is doing, for operators: the connector in use, what is pending, how attempts ended.
 *
 * @since 1.5
 */
@ProviderType
public interface MfaActivity {

    MfaStatus status();
}
