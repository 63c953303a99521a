package org.radmfa.management.command;

import org.radmfa.api.MessageAuthenticatorPolicy;

/** How a client's Message-Authenticator requirement reads in a table: the setting and, for auto, where it stands. */
final class MessageAuthenticatorState {

    private MessageAuthenticatorState() {
    }

    static String describe(MessageAuthenticatorPolicy policy, boolean received) {
        return switch (policy) {
            case REQUIRED -> "required";
            case OPTIONAL -> "optional";
            case AUTO -> received ? "auto: required (it sent one)" : "auto: optional until it sends one";
        };
    }
}
