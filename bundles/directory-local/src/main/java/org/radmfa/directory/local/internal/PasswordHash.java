package org.radmfa.directory.local.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A salted PBKDF2-HMAC-SHA256 password hash in the modular crypt notation that passlib and others use:
 * {@code $pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>}.
 */
final class PasswordHash {
    static final String PREFIX = "$pbkdf2-sha256$";
    static final int DEFAULT_ITERATIONS = 100_000;
    private static final int MIN_ITERATIONS = 10_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = Pbkdf2Sha256.LENGTH;

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** @throws IllegalArgumentException naming what is wrong with the notation (never echoing it) */
    static PasswordHash parse(String text) {
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("is not a " + PREFIX + " hash");
        }
        String[] parts = text.substring(PREFIX.length()).split("\\$");
        if (parts.length != 3) {
            throw new IllegalArgumentException("must have the form " + PREFIX + "<iterations>$<salt>$<hash>");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("iteration count is not a number");
        }
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("iteration count " + iterations + " is below " + MIN_ITERATIONS);
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[1]);
            byte[] hash = Base64.getDecoder().decode(parts[2]);
            if (salt.length < 8 || hash.length != HASH_BYTES) {
                throw new IllegalArgumentException("salt or hash has the wrong length");
            }
            return new PasswordHash(iterations, salt, hash);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("salt or hash is not valid base64 of the right length");
        }
    }

    static PasswordHash create(String password, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new PasswordHash(DEFAULT_ITERATIONS, salt, derive(password, salt, DEFAULT_ITERATIONS));
    }

    /** Deliberately slow (the iteration count); compares in constant time. */
    boolean verify(String password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations));
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        try {
            return Pbkdf2Sha256.derive(bytes, salt, iterations);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    String encoded() {
        return PREFIX + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(hash);
    }

    @Override
    public String toString() {
        return "PasswordHash[pbkdf2-sha256, " + iterations + " iterations]";
    }
}
