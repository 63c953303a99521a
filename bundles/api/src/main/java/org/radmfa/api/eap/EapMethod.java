package org.radmfa.api.eap;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;
import org.radmfa.api.AccessRequestHandler;
import org.radmfa.api.Decision;

/**
 * An EAP method (EAP-TLS, PEAP, ...) offered by a bundle of its own. The transport starts a conversation with the
 * method the peer asks for and then passes it every request whose State the method {@linkplain #owns owns}.
 * <p>
 * Each step completes with a {@link Decision}: {@code CHALLENGE} carrying the next EAP-Message attributes and a State,
 * or the final {@code ACCEPT} (EAP-Success, the keys as MS-MPPE-Send-Key and MS-MPPE-Recv-Key, the policy's
 * settings) or {@code REJECT} (EAP-Failure). It completes with null when the EAP packet is malformed: the transport
 * then drops the datagram and counts it. Expensive work (a TLS handshake) must not run on the calling thread, which
 * reads datagrams.
 */
@ConsumerType
public interface EapMethod {

    /** The EAP method type this service speaks (IANA: 13 for EAP-TLS, 25 for PEAP). */
    int type();

    /**
     * Opens a conversation: the peer has named this method in a Nak, or is offered it first. The request's State is
     * that of the transport's previous method, if any; the answer carries a State of this method's own.
     */
    CompletionStage<Decision> start(EapRequest request);

    /** Whether the State belongs to a conversation of this method. */
    boolean owns(byte[] state);

    /**
     * The next step of a conversation this method owns.
     *
     * @param pipeline decides the request (directory, policy, MFA) once the method has authenticated the peer;
     *     null when no pipeline is installed
     */
    CompletionStage<Decision> next(EapRequest request, AccessRequestHandler pipeline);
}
