package org.radmfa.directory.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.UserDirectory;

/** The component against a hand-made BundleContext that records the one registration. */
class LdapDirectoryComponentTest {
    private static AdLikeServer server;

    /** What the framework was told: the service, its properties, whether it is still registered. */
    private static final class Registry {
        Object service;
        Dictionary<String, ?> properties;
        int registrations;
        boolean unregistered;

        BundleContext context() {
            ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "setProperties" -> properties = cast(args[0]);
                            case "unregister" -> unregistered = true;
                            default -> throw new UnsupportedOperationException(method.getName());
                        }
                        return null;
                    });
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                        if (method.getName().equals("registerService") && args[0] == UserDirectory.class) {
                            service = args[1];
                            properties = cast(args[2]);
                            registrations++;
                            return registration;
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
        }

        @SuppressWarnings("unchecked")
        private static Dictionary<String, ?> cast(Object dictionary) {
            return (Dictionary<String, ?>) dictionary;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new AdLikeServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void registersWithTheDirectoryNameAndKeepsTheLastGoodConfiguration() {
        Registry registry = new Registry();
        LdapDirectoryComponent component = new LdapDirectoryComponent(registry.context(), server.config());
        try {
            assertSame(component, registry.service);
            assertEquals("corp", registry.properties.get("directory.name"));
            assertEquals("corp", component.name());
            assertTrue(LdapUserDirectoryTest.await(component.authenticate(LdapUserDirectoryTest.request("alice",
                    new PapCredentials(AdLikeServer.ALICE_PASSWORD)))).accepted());
            LdapUserDirectory serving = component.current();

            Map<String, Object> bad = server.config();
            bad.put("baseDn", "");
            component.modified(bad);
            assertSame(serving, component.current(), "a refused change leaves the directory as it was");
            assertTrue(LdapUserDirectoryTest.await(component.authenticate(LdapUserDirectoryTest.request("alice",
                    new PapCredentials(AdLikeServer.ALICE_PASSWORD)))).accepted());

            Map<String, Object> renamed = server.config();
            renamed.put("name", "corp2");
            component.modified(renamed);
            assertNotSame(serving, component.current());
            assertEquals(1, registry.registrations, "the same registration, its properties updated");
            assertEquals("corp2", registry.properties.get("directory.name"));
            assertEquals("corp2", LdapUserDirectoryTest.await(component.authenticate(LdapUserDirectoryTest.request(
                    "alice", new PapCredentials(AdLikeServer.ALICE_PASSWORD)))).user().directory());
        } finally {
            component.deactivate();
        }
        assertTrue(registry.unregistered);
        assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, LdapUserDirectoryTest.await(component.authenticate(
                LdapUserDirectoryTest.request("alice", new PapCredentials("x")))).reason());
    }

    @Test
    void theBindPasswordUnderItsOldKeyStillWorksWithAWarningToRenameIt() {
        Registry registry = new Registry();
        Map<String, Object> legacy = server.config();
        legacy.put("bindPassword", legacy.remove(".bindPassword"));
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LdapDirectoryComponent component;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            component = new LdapDirectoryComponent(registry.context(), legacy);
        } finally {
            System.setErr(original);
        }
        try {
            assertTrue(LdapUserDirectoryTest.await(component.authenticate(LdapUserDirectoryTest.request("alice",
                    new PapCredentials(AdLikeServer.ALICE_PASSWORD)))).accepted(), "bound with the old key");
            String log = captured.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("etc/org.radmfa.directory.ldap-corp.cfg: rename the key 'bindPassword' to"
                    + " '.bindPassword'"), log);
            assertFalse(log.contains("key 'bindPassword' is not an LDAP directory setting"), log);
            assertFalse(log.contains(AdLikeServer.SERVICE_PASSWORD), "the password is never logged");
        } finally {
            component.deactivate();
        }

        captured.reset();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            component = new LdapDirectoryComponent(registry.context(), server.config());
        } finally {
            System.setErr(original);
        }
        component.deactivate();
        assertFalse(captured.toString(StandardCharsets.UTF_8).contains("rename"), "no warning for .bindPassword");
    }

    @Test
    void aBadFirstConfigurationRegistersNothingUntilCorrected() {
        Registry registry = new Registry();
        Map<String, Object> bad = server.config();
        bad.put("urls", "ldaps://127.0.0.1:" + server.ldapPort());
        LdapDirectoryComponent component = new LdapDirectoryComponent(registry.context(), bad);
        try {
            assertNull(registry.service);
            component.modified(server.config());
            assertSame(component, registry.service);
        } finally {
            component.deactivate();
        }
    }
}
