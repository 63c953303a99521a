package org.radmfa.config.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.radmfa.api.SecretVault;
import org.radmfa.config.support.SealedInPlace.Outcome;

class SealedInPlaceTest {
    private static final String PID = "org.radmfa.client~gw";
    private static final String SOURCE = "etc/org.radmfa.client-gw.cfg";
    /** Seals by reversing, so that a test can see what was sealed. */
    private static final SecretVault VAULT = new SecretVault() {
        @Override
        public String seal(String secret) {
            return SealedInPlace.SEALED + new StringBuilder(secret).reverse();
        }

        @Override
        public String open(String sealed) {
            return new StringBuilder(sealed.substring(SealedInPlace.SEALED.length())).reverse().toString();
        }
    };

    /** One configuration in memory; {@code onRead} runs when its properties are read (another writer racing). */
    private static final class OneConfiguration {
        final Hashtable<String, Object> properties = new Hashtable<>();
        final List<Dictionary<String, Object>> updates = new ArrayList<>();
        long changeCount = 1;
        Runnable onRead = () -> {
        };
        boolean failUpdate;

        ConfigurationAdmin admin() {
            Configuration configuration = (Configuration) Proxy.newProxyInstance(
                    Configuration.class.getClassLoader(), new Class<?>[] {Configuration.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getProperties" -> {
                            Hashtable<String, Object> copy = new Hashtable<>(properties);
                            onRead.run();
                            yield copy;
                        }
                        case "getChangeCount" -> changeCount;
                        case "update" -> {
                            if (failUpdate) {
                                throw new IOException("disk full");
                            }
                            @SuppressWarnings("unchecked")
                            Dictionary<String, Object> updated = (Dictionary<String, Object>) args[0];
                            updates.add(updated);
                            changeCount++;
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
            return (ConfigurationAdmin) Proxy.newProxyInstance(ConfigurationAdmin.class.getClassLoader(),
                    new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                        if (method.getName().equals("listConfigurations")
                                && ("(service.pid=" + PID + ")").equals(args[0])) {
                            return properties.isEmpty() ? null : new Configuration[] {configuration};
                        }
                        throw new UnsupportedOperationException(method.getName() + " " + args[0]);
                    });
        }
    }

    private static OneConfiguration withClearSecret() {
        OneConfiguration config = new OneConfiguration();
        config.properties.put("secret", "s3cret");
        return config;
    }

    private static SealedInPlace.Sealing sealClearSecret(OneConfiguration config) {
        return SealedInPlace.seal(config.admin(), PID, "secret", "s3cret", VAULT, SOURCE);
    }

    @Test
    void aClearValueIsSealedInPlaceAndReported() {
        OneConfiguration config = new OneConfiguration();
        config.properties.put("secret", "s3cret");
        config.properties.put("address", "10.0.0.1");
        SealedInPlace.Sealing sealing = SealedInPlace.seal(config.admin(), PID, "secret", "s3cret", VAULT, SOURCE);
        assertEquals(Outcome.SEALED, sealing.outcome());
        assertEquals(1, config.updates.size());
        assertEquals("{aes-gcm}terc3s", config.updates.get(0).get("secret"));
        assertEquals("10.0.0.1", config.updates.get(0).get("address"), "the other keys stay");
        RecordingLog log = new RecordingLog();
        sealing.report(log.logger, "shared secret", "the shared secret");
        assertEquals(List.of("INFO " + SOURCE + ": shared secret sealed by the vault"), log.lines);
    }

    @Test
    void aValueChangedSinceItWasReadIsNotSealedOver() {
        OneConfiguration config = new OneConfiguration();
        config.properties.put("secret", "{aes-gcm}wen");
        SealedInPlace.Sealing sealing = SealedInPlace.seal(config.admin(), PID, "secret", "old", VAULT, SOURCE);
        assertEquals(Outcome.CHANGED_MEANWHILE, sealing.outcome());
        assertEquals(List.of(), config.updates);
    }

    @Test
    void aConfigurationChangedWhileSealingIsNotOverwritten() {
        OneConfiguration config = withClearSecret();
        config.onRead = () -> { // someone else writes a new secret between our read and our write
            config.changeCount++;
            config.properties.put("secret", "{aes-gcm}wen");
        };
        SealedInPlace.Sealing sealing = sealClearSecret(config);
        assertEquals(Outcome.CHANGED_MEANWHILE, sealing.outcome());
        assertEquals(List.of(), config.updates);
    }

    /**
     * FileInstall may write the very same file again between our read and our write: the configuration changed, its
     * secret did not, and ConfigurationAdmin's delivery of it changes nothing for the owner, so nobody would seal it
     * later. It is read again and sealed.
     */
    @Test
    void theSameClearValueRewrittenWhileSealingIsSealedOnTheNextRead() {
        OneConfiguration config = withClearSecret();
        int[] rewrites = {2};
        config.onRead = () -> {
            if (rewrites[0]-- > 0) {
                config.changeCount++;
            }
        };
        SealedInPlace.Sealing sealing = sealClearSecret(config);
        assertEquals(Outcome.SEALED, sealing.outcome());
        assertEquals(1, config.updates.size());
        assertEquals("{aes-gcm}terc3s", config.updates.get(0).get("secret"));
    }

    @Test
    void aConfigurationThatNeverStopsChangingIsLeftAfterSomeAttempts() {
        OneConfiguration config = withClearSecret();
        int[] reads = {0};
        config.onRead = () -> {
            reads[0]++;
            config.changeCount++;
        };
        SealedInPlace.Sealing sealing = sealClearSecret(config);
        assertEquals(Outcome.CHANGED_MEANWHILE, sealing.outcome());
        assertEquals(List.of(), config.updates);
        assertEquals(SealedInPlace.MAX_ATTEMPTS, reads[0]);
    }

    @Test
    void nothingIsDoneForASealedValueOrWithoutAVault() {
        OneConfiguration config = new OneConfiguration();
        config.properties.put("secret", "{aes-gcm}x");
        assertEquals(Outcome.NOTHING_TO_SEAL,
                SealedInPlace.seal(config.admin(), PID, "secret", "{aes-gcm}x", VAULT, SOURCE).outcome());
        assertEquals(Outcome.NOTHING_TO_SEAL,
                SealedInPlace.seal(config.admin(), PID, "secret", "clear", null, SOURCE).outcome());
        assertEquals(Outcome.NOTHING_TO_SEAL,
                SealedInPlace.seal(config.admin(), PID, "secret", "", VAULT, SOURCE).outcome());
        assertEquals(Outcome.NOT_FOUND,
                SealedInPlace.seal(new OneConfiguration().admin(), PID, "secret", "clear", VAULT, SOURCE).outcome());
        assertEquals(List.of(), config.updates);
    }

    @Test
    void aFailureIsReportedWithoutTheValue() {
        OneConfiguration config = new OneConfiguration();
        config.properties.put(".keyStorePassword", "hunter2");
        config.failUpdate = true;
        SealedInPlace.Sealing sealing = SealedInPlace.seal(config.admin(), PID, ".keyStorePassword", "hunter2", VAULT,
                SOURCE);
        assertEquals(Outcome.FAILED, sealing.outcome());
        RecordingLog log = new RecordingLog();
        sealing.report(log.logger, ".keyStorePassword", ".keyStorePassword");
        assertEquals(List.of("ERROR " + SOURCE + ": could not seal .keyStorePassword (java.io.IOException: disk full);"
                + " it stays in clear in the file"), log.lines);
    }
}
