package org.radmfa.api;

import java.util.List;
import java.util.Objects;

/**
 * The directory's answer to a first-factor check.
 *
 * @param reason {@link ReasonCode#ACCEPTED} on success, otherwise why not
 * @param user the authenticated user, null unless accepted
 * @param detail a human-readable explanation; never contains the credential
 * @param replyAttributes what the authentication method itself must return: MS-CHAP2-Success and the MPPE keys on
 *     success, MS-CHAP-Error on failure; sent with the final answer (accept or reject) of the request
 * @since 1.2
 */
public record PrimaryAuthResult(ReasonCode reason, User user, String detail, List<ReplyAttribute> replyAttributes) {

    public PrimaryAuthResult {
        Objects.requireNonNull(reason, "reason");
        if ((reason == ReasonCode.ACCEPTED) != (user != null)) {
            throw new IllegalArgumentException("a user is given exactly when accepted");
        }
        replyAttributes = List.copyOf(replyAttributes);
    }

    public PrimaryAuthResult(ReasonCode reason, User user, String detail) {
        this(reason, user, detail, List.of());
    }

    /** The same result, with the method's reply attributes. */
    public PrimaryAuthResult withReplyAttributes(List<ReplyAttribute> attributes) {
        return new PrimaryAuthResult(reason, user, detail, attributes);
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
