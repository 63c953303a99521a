package org.radmfa.radius.codec;

/** The outcome of {@link RadiusCrypto#verifyResponse}: valid (with or without a Message-Authenticator), or why not. */
public enum Verification {
    VALID_WITHOUT_MESSAGE_AUTHENTICATOR(true, "valid, without a Message-Authenticator"),
    VALID_WITH_MESSAGE_AUTHENTICATOR(true, "valid, with a valid Message-Authenticator"),
    MALFORMED(false, "malformed: a length, an attribute or a Message-Authenticator's size is wrong"),
    BAD_RESPONSE_AUTHENTICATOR(false, "the Response Authenticator does not verify with the shared secret"),
    BAD_MESSAGE_AUTHENTICATOR(false, "the Message-Authenticator does not verify with the shared secret");

    private final boolean valid;
    private final String description;

    Verification(boolean valid, String description) {
        this.valid = valid;
        this.description = description;
    }

    public boolean valid() {
        return valid;
    }

    /** A sentence for an error message. */
    public String description() {
        return description;
    }
}
