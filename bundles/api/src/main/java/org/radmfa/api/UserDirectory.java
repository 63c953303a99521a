package org.radmfa.api;

import java.util.Optional;
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

    /** What a directory can say about a group name. */
    enum GroupLookup {
        /** The directory has a group by this name. */
        FOUND,
        /** The directory has no group by this name. */
        NOT_FOUND,
        /** The directory cannot tell now (unreachable, or it does not list groups). */
        CANNOT_TELL
    }

    /**
     * Whether this directory has a group by this name (without case), so that a policy naming a group that exists
     * nowhere is refused instead of silently never matching. May block for up to the directory's own timeout; never
     * called on a request's path.
     *
     * @since 1.5
     */
    default GroupLookup findGroup(String group) {
        return GroupLookup.CANNOT_TELL;
    }

    /**
     * The name of the group with this Windows security identifier ({@code S-1-5-21-...}), as policies name it: for
     * an import from NPS, which names groups by SID only. Empty when the directory has no such group, does not know
     * SIDs, or cannot answer now. May block for up to the directory's own timeout; never called on a request's path.
     *
     * @since 1.9
     */
    default Optional<String> groupNameForSid(String sid) {
        return Optional.empty();
    }

    /**
     * Why this directory cannot be reached now, or empty while it can: for health checks. May block for up to the
     * directory's own timeout; never called on a request's path. A directory held in memory is always reachable.
     *
     * @since 1.9
     */
    default Optional<String> unreachable() {
        return Optional.empty();
    }
}
