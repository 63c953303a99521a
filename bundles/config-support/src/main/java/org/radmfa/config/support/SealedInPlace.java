package org.radmfa.config.support;

import java.io.IOException;
import java.util.Dictionary;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.radmfa.api.SecretVault;
import org.slf4j.Logger;

/**
 * Rewrites a configuration (and so its etc/ file) with one value sealed by the vault, so that a secret written in
 * clear does not rest in clear. Only while the configuration still holds the clear value that was read: an operator
 * or the admin services may have changed it meanwhile (a new secret, already sealed), and sealing the old one over it
 * would lose that edit.
 */
public final class SealedInPlace {
    /** Prefix of a value sealed by the appliance's {@link SecretVault}. */
    public static final String SEALED = "{aes-gcm}";
    /** Reads of a configuration that keeps changing under us (with the same clear value) before giving up. */
    static final int MAX_ATTEMPTS = 5;

    /** What happened to the value. */
    public enum Outcome {
        /** The configuration now holds the value sealed. */
        SEALED,
        /** Nothing to do: no value, already sealed, or no vault or ConfigurationAdmin to do it with. */
        NOTHING_TO_SEAL,
        /** The configuration is gone or empty. */
        NOT_FOUND,
        /** The configuration changed since the value was read; the newer one is kept. */
        CHANGED_MEANWHILE,
        /** ConfigurationAdmin or the vault failed; the value stays in clear. */
        FAILED
    }

    /**
     * What {@link #seal} did to one value, to be logged by the owner in its own words ({@link #report}).
     *
     * @param failure why it failed ({@link Outcome#FAILED} only), never the value
     */
    public record Sealing(Outcome outcome, String key, String source, String failure) {
        /**
         * Logs the outcome: "{source}: {sealed} sealed by the vault", or "{source}: could not seal {notSealed} (why);
         * it stays in clear in the file".
         */
        public void report(Logger log, String sealed, String notSealed) {
            switch (outcome) {
                case SEALED -> log.info("{}: {} sealed by the vault", source, sealed);
                case FAILED -> log.error("{}: could not seal {} ({}); it stays in clear in the file", source, notSealed,
                        failure);
                case CHANGED_MEANWHILE -> log.debug("{}: the {} changed before it could be sealed; the newer one is"
                        + " kept", source, key);
                default -> {
                }
            }
        }
    }

    private SealedInPlace() {
    }

    /**
     * Seals {@code clear}, the value of {@code key} as read from configuration {@code pid}, in place.
     *
     * @param source the file (or PID) the value was read from, for messages
     */
    public static Sealing seal(ConfigurationAdmin admin, String pid, String key, String clear, SecretVault vault,
            String source) {
        if (clear == null || clear.isEmpty() || clear.startsWith(SEALED) || vault == null || admin == null) {
            return new Sealing(Outcome.NOTHING_TO_SEAL, key, source, null);
        }
        try {
            // Another writer may change the configuration between our read and our write (FileInstall re-reading
            // the same file, say). Only a different value is an edit to keep; the same clear value is read again
            // and sealed, since an unchanged delivery of it will not call the owner again.
            for (int attempt = 1;; attempt++) {
                Configuration[] found = admin.listConfigurations("(service.pid=" + pid + ")");
                if (found == null || found.length == 0) {
                    return new Sealing(Outcome.NOT_FOUND, key, source, null);
                }
                Configuration configuration = found[0];
                long changes = configuration.getChangeCount();
                Dictionary<String, Object> updated = configuration.getProperties();
                if (updated == null) {
                    return new Sealing(Outcome.NOT_FOUND, key, source, null);
                }
                if (!clear.equals(String.valueOf(updated.get(key)))) {
                    return new Sealing(Outcome.CHANGED_MEANWHILE, key, source, null);
                }
                updated.put(key, vault.seal(clear));
                if (configuration.getChangeCount() == changes) {
                    configuration.update(updated);
                    return new Sealing(Outcome.SEALED, key, source, null);
                }
                if (attempt == MAX_ATTEMPTS) {
                    return new Sealing(Outcome.CHANGED_MEANWHILE, key, source, null);
                }
            }
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            return new Sealing(Outcome.FAILED, key, source, e.toString());
        }
    }
}
