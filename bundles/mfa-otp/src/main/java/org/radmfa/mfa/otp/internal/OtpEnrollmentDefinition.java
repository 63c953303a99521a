package org.radmfa.mfa.otp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.SecretVault;
import org.radmfa.api.admin.OtpAdmin;
import org.radmfa.api.config.ConfigChecks;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * What is specific to a user's TOTP enrollment ({@code etc/org.radmfa.otp-<user>.cfg}, written by
 * {@code radmfa:otp-enroll}): its keys and how it is read. The secret is sealed by the vault: the file alone does not
 * give it away. The connector feeds the files to the shared read-refuse-keep-last-good code.
 */
final class OtpEnrollmentDefinition {
    static final String FACTORY_PID = OtpAdmin.FACTORY_PID;
    static final ConfigType TYPE = ConfigType.of(Config.class);
    /** RFC 4226 asks for at least 128 bits and recommends 160; fewer than 80 is refused. */
    private static final int MINIMUM_SECRET_BYTES = 10;

    private OtpEnrollmentDefinition() {
    }

    @ObjectClassDefinition(name = "radmfa TOTP enrollment", factoryPid = FACTORY_PID,
            description = "A user's authenticator-app secret")
    @interface Config {
        @AttributeDefinition(name = "User name")
        String user();

        @AttributeDefinition(name = "Secret", type = AttributeType.PASSWORD,
                description = "The base32 secret, sealed by the vault ({aes-gcm}...)")
        String secret();

        @AttributeDefinition(name = "Enrolled", required = false, description = "When the secret was issued")
        String enrolled();

        String webconsole_configurationFactory_nameHint() default "{user}";
    }

    /** A user's enrolled secret. */
    record Enrollment(String user, byte[] secret) {
    }

    static Enrollment parse(ConfigReader config, SecretVault vault) throws InvalidConfigurationException {
        String user = ConfigChecks.name(config, "user");
        byte[] secret;
        try {
            secret = Base32.decode(vault.open(config.requiredString("secret")));
        } catch (IllegalArgumentException e) {
            throw config.invalid("secret", e.getMessage());
        }
        return new Enrollment(user, ConfigChecks.minimumLength(config, "secret", secret, MINIMUM_SECRET_BYTES));
    }
}
