package org.radmfa.api;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A second factor provider (Entra, OTP, ...), each in its own bundle so that it can be replaced while the server
 * runs. Others implement this interface: it grows only by default methods.
 */
@ConsumerType
public interface MfaConnector {

    /** The connector's name, for traces and management. */
    String name();

    /**
     * Starts a second-factor attempt. Must not hold the calling thread while the user reaches for their phone, and
     * must complete by the request's deadline.
     */
    CompletionStage<MfaOutcome> verify(MfaRequest request);
}
