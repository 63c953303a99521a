package org.radmfa.api;

/**
 * A clear-text password from a PAP User-Password attribute, already un-hidden with the shared secret.
 *
 * @param password the password; never logged
 */
public record PapCredentials(String password) implements Credentials {

    @Override
    public AuthMethod method() {
        return AuthMethod.PAP;
    }

    @Override
    public String toString() {
        return "PapCredentials[password=***]";
    }
}
