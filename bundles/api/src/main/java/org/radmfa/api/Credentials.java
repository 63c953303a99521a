package org.radmfa.api;

/** What the user presented as a first factor. Implementations never print the secret part. */
public interface Credentials {

    AuthMethod method();
}
