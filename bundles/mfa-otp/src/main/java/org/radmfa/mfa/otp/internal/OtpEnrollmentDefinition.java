package org.radmfa.mfa.otp.internal;

import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.SecretVault;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One user's TOTP enrollment, from one factory configuration ({@code etc/org.radmfa.otp-<user>.cfg}), written by
 * {@code radmfa:otp-enroll}. The secret is sealed by the vault: the file alone does not give it away.
 */
@Component(configurationPid = OtpEnrollmentDefinition.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = OtpEnrollmentDefinition.Config.class, factory = true)
public final class OtpEnrollmentDefinition {
    static final String FACTORY_PID = "org.radmfa.otp";
    private static final Logger LOG = LoggerFactory.getLogger(OtpEnrollmentDefinition.class);
    private static final Set<String> KEYS = Set.of("user", "secret", "enrolled",
            "webconsole.configurationFactory.nameHint");

    @ObjectClassDefinition(name = "radmfa TOTP enrollment", description = "A user's authenticator-app secret")
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

    private final OtpEnrollments enrollments;
    private final SecretVault vault;
    private final String key;

    @Activate
    public OtpEnrollmentDefinition(@Reference OtpEnrollments enrollments, @Reference SecretVault vault,
            Map<String, Object> properties) {
        this.enrollments = enrollments;
        this.vault = vault;
        this.key = String.valueOf(properties.get("service.pid"));
        configure(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
    }

    @Deactivate
    void deactivate() {
        enrollments.remove(key);
    }

    private void configure(Map<String, Object> properties) {
        ConfigReader config = new ConfigReader(properties);
        try {
            String user = config.requiredString("user");
            byte[] secret;
            try {
                secret = Base32.decode(vault.open(config.requiredString("secret")));
            } catch (IllegalArgumentException e) {
                throw config.invalid("secret", e.getMessage());
            }
            if (secret.length < 10) {
                throw config.invalid("secret", "is shorter than 80 bits");
            }
            enrollments.put(key, user, secret, config.source());
            config.unknownKeys(KEYS).forEach(unknown -> LOG.warn("{}: key '{}' is not a TOTP enrollment setting",
                    config.source(), unknown));
        } catch (InvalidConfigurationException e) {
            LOG.error("Refused TOTP enrollment {}; the last good enrollment of this user, if any, keeps serving",
                    e.getMessage());
        }
    }
}
