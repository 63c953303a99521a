package org.radmfa.management.command;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;

import org.apache.karaf.shell.api.console.Session;

/**
 * Secrets and passwords are typed at a masked prompt, never given as arguments: arguments end up in the shell's
 * history, in process listings of {@code bin/client}, and in audit logs of commands.
 */
final class Prompts {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Prompts() {
    }

    /** Asks twice, masked; the two must be equal and not empty. */
    static String newSecret(Session session, String what) throws IOException {
        String first = read(session, what + ": ");
        if (first == null || first.isEmpty()) {
            throw new IllegalArgumentException("no " + what.toLowerCase() + " typed: nothing changed");
        }
        String second = read(session, what + " again: ");
        if (!first.equals(second)) {
            throw new IllegalArgumentException("the two " + what.toLowerCase() + "s differ: nothing changed");
        }
        return first;
    }

    /** Asks once, masked. */
    static String secret(Session session, String what) throws IOException {
        String typed = read(session, what + ": ");
        return typed == null ? "" : typed;
    }

    private static String read(Session session, String prompt) throws IOException {
        try {
            return session.readLine(prompt, '*');
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("this command asks for a secret at a masked prompt: run it in an"
                    + " interactive shell (bin/client, ssh), not as a one-line batch command");
        }
    }

    /** 24 random bytes as 32 URL-safe characters: a shared secret that any NAS accepts. */
    static String generatedSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
