package org.radmfa.mfa.otp.internal;

/** Where each enrollment definition puts itself, and what the shell command asks for; private to this bundle. */
public interface OtpEnrollments {

    void put(String key, String user, byte[] secret, String source);

    void remove(String key);

    /**
     * Enrolls a user with a fresh secret, replacing any earlier one, and returns the otpauth:// URI to show once
     * (as text or QR code) for the user's authenticator app.
     */
    String enroll(String user) throws java.io.IOException;

    /** @return whether the user was enrolled */
    boolean unenroll(String user) throws java.io.IOException;

    /** Enrolled user names, sorted. */
    java.util.List<String> users();
}
