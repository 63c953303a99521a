package org.radmfa.api;

import java.util.Objects;

/**
 * What a second-factor attempt came to.
 *
 * @param kind the outcome
 * @param detail a human-readable explanation (an Entra error code, say); never an OTP
 * @param prompt for {@link Kind#CHALLENGE}: the Reply-Message shown to the user
 * @param state for {@link Kind#CHALLENGE}: the State the client must echo
 */
public record MfaOutcome(Kind kind, String detail, String prompt, byte[] state) {

    public enum Kind {
        APPROVED,
        DENIED,
        TIMED_OUT,
        UNAVAILABLE,
        NOT_ENROLLED,
        CHALLENGE
    }

    public MfaOutcome {
        Objects.requireNonNull(kind, "kind");
        state = state == null ? null : state.clone();
    }

    public static MfaOutcome of(Kind kind, String detail) {
        return new MfaOutcome(kind, detail, null, null);
    }

    @Override
    public byte[] state() {
        return state == null ? null : state.clone();
    }
}
