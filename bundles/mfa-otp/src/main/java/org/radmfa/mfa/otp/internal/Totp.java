package org.radmfa.mfa.otp.internal;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** RFC 6238 time-based one-time passwords (HOTP of RFC 4226 over 30-second steps, HMAC-SHA1), as authenticator apps make them. */
final class Totp {
    static final int PERIOD_SECONDS = 30;

    private final int digits;

    Totp(int digits) {
        this.digits = digits;
    }

    static long step(long epochSeconds) {
        return Math.floorDiv(epochSeconds, PERIOD_SECONDS);
    }

    String code(byte[] secret, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0F;
            int binary = ((hash[offset] & 0x7F) << 24) | ((hash[offset + 1] & 0xFF) << 16)
                    | ((hash[offset + 2] & 0xFF) << 8) | (hash[offset + 3] & 0xFF);
            int modulus = (int) Math.pow(10, digits);
            return String.format("%0" + digits + "d", binary % modulus);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }

    /**
     * The step within {@code window} steps of {@code now} whose code this is, or -1. Compares in constant time so
     * that the time taken says nothing about the code.
     */
    long matchingStep(byte[] secret, String code, long nowStep, int window) {
        if (code == null || code.length() != digits) {
            return -1;
        }
        long found = -1;
        for (long step = nowStep - window; step <= nowStep + window; step++) {
            if (MessageDigest.isEqual(code(secret, step).getBytes(StandardCharsets.US_ASCII),
                    code.getBytes(StandardCharsets.US_ASCII))) {
                found = step;
            }
        }
        return found;
    }
}
