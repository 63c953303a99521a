package org.radmfa.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A RADIUS shared secret. It prints as its fingerprint, never as itself, so that it cannot reach a log line by
 * accident; the fingerprint lets both sides of a link compare their configuration without revealing the secret.
 */
public final class SharedSecret {
    private final byte[] value;
    private final String fingerprint;

    private SharedSecret(byte[] value) {
        this.value = value;
        this.fingerprint = computeFingerprint(value);
    }

    /** @throws IllegalArgumentException if the secret is empty */
    public static SharedSecret of(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a shared secret must not be empty");
        }
        return new SharedSecret(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the secret's bytes, as used in RADIUS authenticator and attribute hiding computations. */
    public byte[] bytes() {
        return value.clone();
    }

    /** The secret as text, for libraries that want a String. Do not log it. */
    public String reveal() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** First 8 hex digits of SHA-256 over the secret: safe to show, enough to compare two configurations. */
    public String fingerprint() {
        return fingerprint;
    }

    private static String computeFingerprint(byte[] secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret);
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SharedSecret that && MessageDigest.isEqual(value, that.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "SharedSecret[sha256:" + fingerprint + "]";
    }
}
