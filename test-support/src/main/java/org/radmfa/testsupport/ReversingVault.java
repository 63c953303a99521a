package org.radmfa.testsupport;

import org.radmfa.api.SecretVault;

/**
 * A {@link SecretVault} for unit tests that "seals" by reversing behind the real {@code {aes-gcm}} prefix: enough to
 * tell a sealed value from a clear one and to check that a component opens it, with no key to manage. It refuses, as
 * the real vault does, a text it did not seal.
 */
public final class ReversingVault implements SecretVault {
    public static final String PREFIX = "{aes-gcm}";

    @Override
    public String seal(String secret) {
        return PREFIX + new StringBuilder(secret).reverse();
    }

    @Override
    public String open(String sealed) {
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not sealed: no " + PREFIX + " prefix");
        }
        return new StringBuilder(sealed.substring(PREFIX.length())).reverse().toString();
    }
}
