package org.radmfa.radsec.internal;

import java.io.IOException;
import java.util.Dictionary;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.radmfa.api.SecretVault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites a configuration (and so its etc/ file) with one value sealed by the vault, so that a password typed in
 * clear does not rest in clear; as the clients' and remote servers' secrets are.
 */
final class SealInPlace {
    /** Prefix of a value sealed by the appliance's {@link SecretVault}. */
    static final String SEALED = "{aes-gcm}";
    private static final Logger LOG = LoggerFactory.getLogger(SealInPlace.class);

    private SealInPlace() {
    }

    /** Opens a sealed value; a clear one is returned as it is. */
    static String open(String value, SecretVault vault) {
        if (value == null || !value.startsWith(SEALED)) {
            return value == null ? "" : value;
        }
        if (vault == null) {
            throw new IllegalArgumentException("is sealed (" + SEALED + "...) but no secret vault is running");
        }
        try {
            return vault.open(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot be opened by this appliance's vault (another"
                    + " etc/radmfa-vault.key?)");
        }
    }

    static void seal(ConfigurationAdmin admin, String pid, String key, String clear, SecretVault vault,
            String source) {
        if (clear == null || clear.isEmpty() || clear.startsWith(SEALED) || vault == null || admin == null) {
            return;
        }
        try {
            Configuration[] found = admin.listConfigurations("(service.pid=" + pid + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return;
            }
            // Only while it still holds the clear value read: a newer edit is never sealed over.
            long changes = found[0].getChangeCount();
            Dictionary<String, Object> updated = found[0].getProperties();
            if (!clear.equals(String.valueOf(updated.get(key)))) {
                return;
            }
            updated.put(key, vault.seal(clear));
            if (found[0].getChangeCount() != changes) {
                return;
            }
            found[0].update(updated);
            LOG.info("{}: {} sealed by the vault", source, key);
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.error("{}: could not seal {} ({}); it stays in clear in the file", source, key, e.toString());
        }
    }
}
