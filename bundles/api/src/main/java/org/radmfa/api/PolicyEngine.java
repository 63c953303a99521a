package org.radmfa.api;

import org.osgi.annotation.versioning.ProviderType;

/** Ordered network policies: the first whose conditions all match decides. */
@ProviderType
public interface PolicyEngine {

    /** Evaluates the policies for a user whose first factor is already verified. Never blocks on I/O. */
    PolicyDecision evaluate(AuthenticationRequest request, User user);
}
