package org.radmfa.api;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Primary authentication and group lookup: the embedded local store, LDAP/AD, or any other bundle that registers
 * this service. The answer may come later (a directory round trip), so it is a stage, not a value.
 */
@ConsumerType
public interface UserDirectory {

    /** The directory's name, used in traces and to select a directory per policy. */
    String name();

    /**
     * Checks the request's credentials. Never completes exceptionally for a wrong password: that is a rejected
     * result. An unreachable directory completes with {@link ReasonCode#DIRECTORY_UNAVAILABLE}.
     */
    CompletionStage<PrimaryAuthResult> authenticate(AuthenticationRequest request);
}
