package org.radmfa.mfa.otp.internal;

import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.cm.ManagedServiceFactory;
import org.radmfa.api.SecretVault;
import org.radmfa.api.config.FactoryDefinitions;
import org.radmfa.api.config.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enrollment files ({@code etc/org.radmfa.otp-<user>.cfg}), as the connector's own object: ConfigurationAdmin
 * hands each one to this {@link ManagedServiceFactory}, and an accepted enrollment goes into the connector. One that
 * does not validate is refused with its file, key and reason; the user's last good enrollment keeps serving.
 */
final class OtpEnrollmentFiles implements ManagedServiceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(OtpEnrollmentFiles.class);

    private final TotpConnector connector;
    private final FactoryDefinitions<OtpEnrollmentDefinition.Enrollment> definitions;

    OtpEnrollmentFiles(TotpConnector connector, SecretVault vault) {
        this.connector = connector;
        this.definitions = new FactoryDefinitions<>("TOTP enrollment", OtpEnrollmentDefinition.TYPE,
                config -> OtpEnrollmentDefinition.parse(config, vault));
    }

    @Override
    public String getName() {
        return "radmfa TOTP enrollments";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        Map<String, Object> map = new HashMap<>();
        for (String key : Collections.list(properties.keys())) {
            map.put(key, properties.get(key));
        }
        FactoryDefinitions.Update<OtpEnrollmentDefinition.Enrollment> update = definitions.update(pid, map,
                (key, enrollment, config) -> connector.put(key, enrollment.user(), enrollment.secret(),
                        config.source()));
        update.refusal().ifPresent(refusal -> LOG.error(refusal.message()));
        update.warnings().forEach(LOG::warn);
    }

    @Override
    public void deleted(String pid) {
        definitions.remove(pid);
        connector.remove(pid);
    }

    /** The enrollments refused right now. */
    List<Refusal> refusals() {
        return definitions.refusals();
    }
}
