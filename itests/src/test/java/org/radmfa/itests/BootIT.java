package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.karaf.features.Feature;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.radmfa.api.AccountingSink;
import org.radmfa.api.LoggingHealth;

/**
 * Stock Karaf + {@code feature:install radmfa radmfa-demo}: every part is there and active, and the demo
 * configuration reaches ConfigurationAdmin unchanged.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BootIT extends RadmfaTestSupport {

    /** Symbolic names of the radmfa bundles: org.radmfa.&lt;artifactId without "radmfa-"&gt;. */
    private static final List<String> RADMFA_BUNDLES = List.of(
            "org.radmfa.api",
            "org.radmfa.clients",
            "org.radmfa.directory-local",
            "org.radmfa.policy",
            "org.radmfa.pipeline",
            "org.radmfa.transport",
            "org.radmfa.accounting-file", "org.radmfa.management", "org.radmfa.vault");

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    public void everyRadmfaBundleIsActive() {
        Await.until("every org.radmfa bundle ACTIVE, now " + radmfaBundleStates(), TIMEOUT,
                () -> radmfaBundleStates().keySet().containsAll(RADMFA_BUNDLES)
                        && radmfaBundleStates().values().stream().allMatch("ACTIVE"::equals));
        assertTrue("org.radmfa bundles " + radmfaBundleStates(),
                radmfaBundleStates().keySet().containsAll(RADMFA_BUNDLES));
    }

    @Test
    public void radmfaFeaturesAreInstalled() throws Exception {
        for (String name : List.of("radmfa", "radmfa-demo", "radmfa-transport")) {
            Feature feature = featuresService.getFeature(name);
            assertNotNull("feature " + name + " in the repository", feature);
            Await.until("feature " + name + " installed", TIMEOUT, () -> featuresService.isInstalled(feature));
        }
    }

    @Test
    public void demoConfigurationIsANamedFactoryConfigurationWithItsHashIntact() throws Exception {
        Configuration user = awaitConfiguration("org.radmfa.user~demo");
        assertEquals("org.radmfa.user", user.getFactoryPid());
        Dictionary<String, Object> properties = user.getProperties();
        // "$" is not "${": neither Karaf's interpolation nor the properties reader may touch it.
        assertEquals("$pbkdf2-sha256$100000$Czy3uK2FrmiCQfoYWF8xvQ==$nMtKdh0ygk1PXhXAemdpJSqgvAT8ejyHigLTnRcF43Q=",
                properties.get("passwordHash"));
        assertEquals("demo", properties.get("name"));

        Configuration mfaUser = awaitConfiguration("org.radmfa.user~mfa-demo");
        assertEquals("org.radmfa.user", mfaUser.getFactoryPid());

        Configuration rras = awaitConfiguration("org.radmfa.policy~ms-rras");
        assertEquals("org.radmfa.policy", rras.getFactoryPid());
        assertEquals("^311$", rras.getProperties().get("condition.MS-RAS-Vendor"));

        Configuration client = awaitConfiguration("org.radmfa.client~demo");
        assertEquals("org.radmfa.client", client.getFactoryPid());
        // The demo's secret, given in clear by the feature, rests sealed by the vault once the client is read. Looked
        // up afresh each time: a Configuration object listed once may be one ConfigurationAdmin never updates.
        try {
            Await.until("the demo client's secret sealed", Duration.ofSeconds(30),
                    () -> demoSecretState().startsWith("sealed"));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the configuration holds " + demoSecretState()
                    + "; the object listed first holds " + secretState(client), e);
        }
    }

    @Test
    public void transportConfigurationCarriesTheTestPorts() throws Exception {
        Configuration transport = awaitConfiguration("org.radmfa.transport");
        assertEquals(String.valueOf(authPort()), String.valueOf(transport.getProperties().get("authPort")));
        assertEquals(String.valueOf(acctPort()), String.valueOf(transport.getProperties().get("acctPort")));
        assertTrue(authPort() != acctPort());
    }

    /**
     * No accounting configuration at all: the default file sink (JSON lines in data/accounting) is there anyway. (It
     * also takes factory configurations, and bnd makes such a component require one unless told otherwise.)
     */
    @Test
    public void theDefaultAccountingFileSinkRunsWithoutConfiguration() {
        java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            Await.until("an accounting sink named 'file' that can write", TIMEOUT, () -> {
                StringBuilder sinks = new StringBuilder();
                boolean found = false;
                try {
                    for (var reference : bundleContext.getServiceReferences(LoggingHealth.class, null)) {
                        LoggingHealth health = bundleContext.getService(reference);
                        if (health != null) {
                            sinks.append(health.name()).append('=').append(health.failure()).append(' ');
                            found |= "file".equals(health.name()) && health.failure().isEmpty()
                                    && health instanceof AccountingSink;
                        }
                        bundleContext.ungetService(reference);
                    }
                } catch (InvalidSyntaxException e) {
                    throw new AssertionError(e);
                }
                seen.set(sinks.toString());
                return found;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; logging sinks seen: " + seen.get(), e);
        }
    }

    /**
     * The bundles that read definition files (clients, users, policies) keep their tables as their own objects: the
     * service registry shows the API services and a ManagedServiceFactory per factory PID, and no type of an
     * internal package (what service:list shows is what other bundles may use).
     */
    @Test
    public void definitionOwnersPublishNoInternalTypes() throws Exception {
        Set<String> owners = Set.of("org.radmfa.clients", "org.radmfa.directory-local", "org.radmfa.policy",
                "org.radmfa.admin", "org.radmfa.proxy", "org.radmfa.radsec");
        Await.until("the definition factories of " + owners + ", now "
                + RegisteredServices.factoryPids(bundleContext, owners), TIMEOUT,
                () -> RegisteredServices.factoryPids(bundleContext, owners).containsAll(Set.of("org.radmfa.client",
                        "org.radmfa.user", "org.radmfa.policy", "org.radmfa.crp", "org.radmfa.proxy.server",
                        "org.radmfa.radsec.client")));
        assertEquals(List.of(), RegisteredServices.internalTypes(bundleContext, owners));
        for (Class<?> type : List.of(org.radmfa.api.ClientRegistry.class, org.radmfa.api.UserDirectory.class,
                org.radmfa.api.PolicyEngine.class, org.radmfa.api.admin.ClientAdmin.class,
                org.radmfa.api.RequestForwarder.class, org.radmfa.api.RemoteServerGroups.class,
                org.radmfa.api.RadSecStatus.class)) {
            assertNotNull(type.getName() + " is still published", bundleContext.getServiceReference(type));
        }
        // The files are read through the factories: the demo client serves, with its OCD default for the vendor.
        Await.until("the demo client registered", TIMEOUT, () -> {
            var reference = bundleContext.getServiceReference(org.radmfa.api.ClientRegistry.class);
            org.radmfa.api.ClientRegistry registry = reference == null ? null : bundleContext.getService(reference);
            try {
                return registry != null && registry.clients().stream().anyMatch(client -> client.name().equals(
                        "localhost-demo") && client.messageAuthenticator() == org.radmfa.api.MessageAuthenticatorPolicy
                                .OPTIONAL);
            } finally {
                if (registry != null) {
                    bundleContext.ungetService(reference);
                }
            }
        });
    }

    /**
     * A refused client file shows in radmfa:check with its key and reason (not only in the log) and registers
     * nothing; once corrected, the finding goes and the client serves.
     */
    @Test
    public void aRefusedFileShowsInTheCheckUntilItIsCorrected() throws Exception {
        Configuration broken = configurationAdmin.getFactoryConfiguration("org.radmfa.client", "refused-itest", "?");
        java.util.Hashtable<String, Object> properties = new java.util.Hashtable<>(Map.of("name", "refused-itest",
                "address", "192.0.2.0/33", "secret", "a-long-enough-test-secret-1"));
        broken.update(properties);
        try {
            String subject = "configuration org.radmfa.client~refused-itest";
            java.util.concurrent.atomic.AtomicReference<String> check = new java.util.concurrent.atomic.AtomicReference<>();
            Await.until("radmfa:check names the refused file", TIMEOUT, () -> {
                check.set(configurationCheck());
                return check.get().contains(subject);
            });
            assertTrue(check.get(), check.get().contains("key 'address'"));
            assertTrue(registeredClients().stream().noneMatch("refused-itest"::equals));

            properties.put("address", "192.0.2.0/30");
            broken.update(properties);
            Await.until("the corrected client registered", TIMEOUT,
                    () -> registeredClients().contains("refused-itest"));
            Await.until("radmfa:check no longer names it", TIMEOUT,
                    () -> !configurationCheck().contains(subject));
        } finally {
            broken.delete();
        }
    }

    /**
     * The same for a remote RADIUS server file, which the proxy reads itself: refused with its key and reason, named
     * by radmfa:check, not among the groups' servers; once corrected, it serves and the finding goes.
     */
    @Test
    public void aRefusedRemoteServerFileShowsInTheCheckUntilItIsCorrected() throws Exception {
        Configuration broken = configurationAdmin.getFactoryConfiguration("org.radmfa.proxy.server", "refused-itest",
                "?");
        java.util.Hashtable<String, Object> properties = new java.util.Hashtable<>(Map.of("name", "refused-itest",
                "group", "itest-partners", "address", "127.0.0.1", "secret", "a-long-enough-test-secret-2",
                "weight", "0"));
        broken.update(properties);
        try {
            String subject = "configuration org.radmfa.proxy.server~refused-itest";
            java.util.concurrent.atomic.AtomicReference<String> check = new java.util.concurrent.atomic.AtomicReference<>();
            Await.until("radmfa:check names the refused remote server file", TIMEOUT, () -> {
                check.set(configurationCheck());
                return check.get().contains(subject);
            });
            assertTrue(check.get(), check.get().contains("key 'weight'"));
            assertTrue(remoteServers().stream().noneMatch("refused-itest"::equals));

            properties.put("weight", "40");
            broken.update(properties);
            Await.until("the corrected remote server configured", TIMEOUT,
                    () -> remoteServers().contains("refused-itest"));
            Await.until("radmfa:check no longer names it", TIMEOUT,
                    () -> !configurationCheck().contains(subject));
        } finally {
            broken.delete();
        }
        Await.until("the deleted remote server gone", TIMEOUT, () -> !remoteServers().contains("refused-itest"));
    }

    /**
     * RadSec client files are read while no RadSec listener is configured (none is here): a refused one shows in
     * radmfa:check until it is deleted, and radmfa:radsec says that RadSec is not configured.
     */
    @Test
    public void aRefusedRadSecClientFileShowsInTheCheckWithoutAListener() throws Exception {
        assertTrue(shell("radmfa:radsec --no-format").contains("RadSec is not configured"));
        Configuration broken = configurationAdmin.getFactoryConfiguration("org.radmfa.radsec.client",
                "refused-itest", "?");
        broken.update(new java.util.Hashtable<>(Map.of("name", "refused-itest", "address", "127.0.0.1")));
        String subject = "configuration org.radmfa.radsec.client~refused-itest";
        try {
            java.util.concurrent.atomic.AtomicReference<String> check = new java.util.concurrent.atomic.AtomicReference<>();
            Await.until("radmfa:check names the refused RadSec client file", TIMEOUT, () -> {
                check.set(configurationCheck());
                return check.get().contains(subject);
            });
            assertTrue(check.get(), check.get().contains("key 'certificate*'"));
        } finally {
            broken.delete();
        }
        Await.until("radmfa:check no longer names the deleted file", TIMEOUT,
                () -> !configurationCheck().contains(subject));
    }

    private List<String> remoteServers() {
        var reference = bundleContext.getServiceReference(org.radmfa.api.RemoteServerGroups.class);
        org.radmfa.api.RemoteServerGroups groups = reference == null ? null : bundleContext.getService(reference);
        try {
            return groups == null ? List.of() : groups.servers().stream().map(s -> s.name()).toList();
        } finally {
            if (groups != null) {
                bundleContext.ungetService(reference);
            }
        }
    }

    private String configurationCheck() {
        try {
            return shell("radmfa:check --no-format");
        } catch (Exception e) {
            throw new AssertionError("radmfa:check failed", e);
        }
    }

    private List<String> registeredClients() {
        var reference = bundleContext.getServiceReference(org.radmfa.api.ClientRegistry.class);
        org.radmfa.api.ClientRegistry registry = reference == null ? null : bundleContext.getService(reference);
        try {
            return registry == null ? List.of() : registry.clients().stream().map(c -> c.name()).toList();
        } finally {
            if (registry != null) {
                bundleContext.ungetService(reference);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // RADIUS test cases (Access-Accept / Access-Reject / silence) go here, or in a sibling class
    // "RadiusIT extends RadmfaTestSupport" (one more Karaf boot, ~15 s). They run inside Karaf: send to
    // 127.0.0.1:authPort() with DEMO_SECRET / DEMO_USER / DEMO_PASSWORD, e.g. with TinyRadius (the wrapped bundle
    // exports org.tinyradius.*; the probe imports dynamically). Wait for the port with Await.until(...), never sleep.
    // ---------------------------------------------------------------------------------------------------------

    private Map<String, String> radmfaBundleStates() {
        return Arrays.stream(bundleContext.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith("org.radmfa."))
                .collect(Collectors.toMap(Bundle::getSymbolicName, BootIT::stateName, (a, b) -> a + "," + b,
                        TreeMap::new));
    }

    private static String stateName(Bundle bundle) {
        switch (bundle.getState()) {
            case Bundle.ACTIVE: return "ACTIVE";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            default: return "UNINSTALLED";
        }
    }

    /** "sealed", "clear" or "none", and the change count: never the secret itself. */
    private String demoSecretState() {
        Configuration found = listed("org.radmfa.client~demo");
        return found == null ? "no configuration" : secretState(found);
    }

    private static String secretState(Configuration configuration) {
        Object secret = configuration.getProperties() == null ? null : configuration.getProperties().get("secret");
        String state = secret == null ? "none" : String.valueOf(secret).startsWith("{aes-gcm}") ? "sealed" : "clear";
        return state + " (change count " + configuration.getChangeCount() + ")";
    }

    private Configuration awaitConfiguration(String pid) {
        Await.until("configuration " + pid + " in ConfigurationAdmin", TIMEOUT, () -> listed(pid) != null);
        return listed(pid);
    }

    /** The configuration as ConfigurationAdmin lists it now, or null. */
    private Configuration listed(String pid) {
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + pid + ")");
            return found == null ? null : found[0];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
