package org.radmfa.api;

import java.util.Objects;

/**
 * The directory's answer to a first-factor check.
 *
 * @param reason {@link ReasonCode#ACCEPTED} on success, otherwise why not
 * @param user the authenticated user, null unless accepted
 * @param detail a human-readable explanation; never contains the credential
 */
public record PrimaryAuthResult(ReasonCode reason, User user, String detail) {

    public PrimaryAuthResult {
        Objects.requireNonNull(reason, "reason");
        if ((reason == ReasonCode.ACCEPTED) != (user != null)) {
            throw new IllegalArgumentException("a user is given exactly when accepted");
        }
    }

    public static PrimaryAuthResult accepted(User user) {
        return new PrimaryAuthResult(ReasonCode.ACCEPTED, user, "credentials verified by " + user.directory());
    }

    public static PrimaryAuthResult rejected(ReasonCode reason, String detail) {
        return new PrimaryAuthResult(reason, null, detail);
    }

    public boolean accepted() {
        return reason == ReasonCode.ACCEPTED;
    }
}
