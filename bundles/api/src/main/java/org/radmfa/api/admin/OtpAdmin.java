package org.radmfa.api.admin;

import java.io.IOException;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Enrolls and removes users' authenticator apps for the TOTP connector ({@code etc/org.radmfa.otp-<user>.cfg}); the
 * secrets are sealed by the vault and never returned after enrollment.
 *
 * @since 1.3
 */
@ProviderType
public interface OtpAdmin {
    /** The factory PID of TOTP enrollments ({@code etc/org.radmfa.otp-<user>.cfg}). */
    String FACTORY_PID = "org.radmfa.otp";

    /**
     * Enrolls a user with a fresh secret, replacing any earlier one, and returns the otpauth:// URI to show once
     * (as text or QR code) for the user's authenticator app.
     */
    String enroll(String user) throws IOException;

    /** @return whether the user was enrolled */
    boolean unenroll(String user) throws IOException;

    /** Enrolled user names, sorted. */
    List<String> users();
}
