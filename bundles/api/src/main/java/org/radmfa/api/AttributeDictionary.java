package org.radmfa.api;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The RADIUS dictionary the server encodes replies with, so that configuration naming an attribute can be checked
 * when it is read rather than when a user logs in.
 *
 * @since 1.3
 */
@ProviderType
public interface AttributeDictionary {

    /** Why this reply attribute cannot be sent with this value, or empty when it can. */
    Optional<String> problem(String name, String value);
}
