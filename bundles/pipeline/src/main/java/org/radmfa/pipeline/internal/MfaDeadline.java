package org.radmfa.pipeline.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.radmfa.api.MfaOutcome;

/** Bounds a second factor by the MFA deadline. The real one is a timer; a test's ends the wait by hand. */
@FunctionalInterface
interface MfaDeadline {
    /** A TimeoutException after the timeout, unless the outcome came first. */
    MfaDeadline TIMER = (outcome, timeout) -> outcome.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);

    CompletableFuture<MfaOutcome> bound(CompletableFuture<MfaOutcome> outcome, Duration timeout);
}
