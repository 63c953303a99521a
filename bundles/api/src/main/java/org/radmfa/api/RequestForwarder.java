package org.radmfa.api;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Forwards an Access-Request to a remote RADIUS server group (NPS's "remote RADIUS server groups", FreeRADIUS's
 * proxy): what a connection request policy with {@code action = forward} hands the request to. The remote answer
 * comes back as a {@link Decision} whose reply attributes are in clear (MPPE keys un-hidden), for the transport to
 * sign and hide again for the client that asked.
 *
 * @since 1.9
 */
@ProviderType
public interface RequestForwarder {

    /**
     * Forwards the request (its User-Name as the connection request policy rewrote it) and completes with the remote
     * answer: accept ({@link ReasonCode#ACCEPTED}), {@link ReasonCode#REMOTE_REJECTED},
     * {@link ReasonCode#REMOTE_CHALLENGE}, or a reject with {@link ReasonCode#REMOTE_UNAVAILABLE} when no server
     * answered. The trace says which servers were tried, what they answered and how long it took. Never completes
     * exceptionally.
     *
     * @param serverGroup the remote RADIUS server group's name
     */
    CompletionStage<Decision> forward(String serverGroup, AuthenticationRequest request);
}
