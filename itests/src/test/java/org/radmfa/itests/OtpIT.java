package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The TOTP connector end to end: enrolled from the shell, the demo MFA user's password is answered with an
 * Access-Challenge, the code from the "authenticator app" (computed here from the printed otpauth URI) is accepted
 * once and refused when replayed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OtpIT extends RadmfaTestSupport {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Override
    protected String[] extraFeatures() {
        return new String[] {"radmfa-mfa-otp"};
    }

    /** What an authenticator app computes (RFC 6238, HMAC-SHA1, 6 digits, 30 s). */
    static String totp(byte[] secret, Instant when) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret, "HmacSHA1"));
        byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(when.getEpochSecond() / 30).array());
        int offset = hash[19] & 0x0F;
        int binary = ((hash[offset] & 0x7F) << 24) | ((hash[offset + 1] & 0xFF) << 16)
                | ((hash[offset + 2] & 0xFF) << 8) | (hash[offset + 3] & 0xFF);
        return String.format("%06d", binary % 1_000_000);
    }

    private static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write(buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    private RadiusTestClient.Response login(RadiusTestClient client, String password, byte[] state) throws Exception {
        RadiusTestClient.Sent sent = client.sendPap("mfa-demo", password, DEMO_SECRET, DEMO_SECRET, state);
        RadiusTestClient.Response response = client.receive(sent, 5000);
        assertNotNull("no answer", response);
        return response;
    }

    /**
     * The enrollments are the connector's own object, read through a ManagedServiceFactory; the shell commands use
     * the API's OtpAdmin. Nothing of the bundle's internal package shows in the service registry.
     */
    @Test
    public void theConnectorPublishesOnlyApiTypes() throws Exception {
        java.util.Set<String> otp = java.util.Set.of("org.radmfa.mfa-otp");
        Await.until("the TOTP enrollment factory", TIMEOUT,
                () -> RegisteredServices.factoryPids(bundleContext, otp).contains("org.radmfa.otp"));
        assertEquals(java.util.List.of(), RegisteredServices.internalTypes(bundleContext, otp));
        assertNotNull(bundleContext.getServiceReference(org.radmfa.api.admin.OtpAdmin.class));
    }

    /** The OTP commands are in the shipped command ACL too (ManagementIT checks the management bundle's). */
    @Test
    public void theOtpCommandsAreInTheShippedAcl() throws Exception {
        assertEveryRadmfaCommandInTheAcl(25);
    }

    @Test
    public void enrolledUserAnswersTheChallengeWithACodeThatWorksOnce() throws Exception {
        Await.until("radmfa:otp-enroll available", TIMEOUT, () -> {
            try {
                return shell("radmfa:otp-list") != null;
            } catch (Exception e) {
                return false;
            }
        });
        String enrolled = shell("radmfa:otp-enroll mfa-demo");
        Matcher secret = Pattern.compile("otpauth://totp/radmfa%3Amfa-demo\\?secret=([A-Z2-7]+)&issuer=radmfa")
                .matcher(enrolled);
        assertTrue(enrolled, secret.find());
        byte[] seed = base32(secret.group(1));
        Await.until("the enrollment is active", TIMEOUT, () -> {
            try {
                return shell("radmfa:otp-list").contains("mfa-demo");
            } catch (Exception e) {
                return false;
            }
        });

        String code;
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", authPort())) {
            RadiusTestClient.Response[] first = new RadiusTestClient.Response[1];
            Await.until("an Access-Challenge for mfa-demo", TIMEOUT, () -> {
                try {
                    first[0] = login(client, "mfa-demo-password", null);
                    return first[0].code() == RadiusTestClient.ACCESS_CHALLENGE;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals("Enter the code from your authenticator app",
                    new String(first[0].attribute(18), StandardCharsets.UTF_8));
            byte[] state = first[0].attribute(24);
            assertEquals(16, state.length);

            code = totp(seed, Instant.now());
            RadiusTestClient.Response accepted = login(client, code, state);
            assertEquals("the right code is accepted", RadiusTestClient.ACCESS_ACCEPT, accepted.code());

            RadiusTestClient.Response reused = login(client, code, state);
            assertEquals("a State answers once", RadiusTestClient.ACCESS_REJECT, reused.code());

            RadiusTestClient.Response again = login(client, "mfa-demo-password", null);
            assertEquals(RadiusTestClient.ACCESS_CHALLENGE, again.code());
            assertTrue("a fresh State each time", !java.util.Arrays.equals(state, again.attribute(24)));
            RadiusTestClient.Response replay = login(client, code, again.attribute(24));
            assertEquals("the same code is refused the second time", RadiusTestClient.ACCESS_REJECT, replay.code());

            RadiusTestClient.Response wrongPassword = login(client, "not-the-password", null);
            assertEquals("no challenge without the right password", RadiusTestClient.ACCESS_REJECT,
                    wrongPassword.code());
        }
        String decisions = shell("radmfa:decisions --no-format --trace -n 10");
        assertTrue(decisions, decisions.contains("MFA_CHALLENGE") && decisions.contains("MFA_DENIED"));
        // As a number of its own: the same six digits inside a timestamp's fraction are not the code.
        assertTrue("the code the user typed is nowhere in the decisions or their traces: " + decisions,
                !java.util.regex.Pattern.compile("(?<![0-9])" + code + "(?![0-9])").matcher(decisions).find());
    }
}
