package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.osgi.service.cm.Configuration;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.ClientSettings;
import org.radmfa.api.admin.InvalidDefinitionException;
import org.radmfa.api.admin.LocalUserAdmin;
import org.radmfa.api.admin.LocalUserSettings;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyEntry;
import org.radmfa.api.admin.PolicyKind;
import org.radmfa.api.admin.PolicySettings;

/**
 * The admin services in a stock Karaf with {@code radmfa} and {@code radmfa-demo}: what they change is written to
 * {@code etc/} as a file an operator could have edited, takes effect on the wire, and is refused with key and
 * reason when it does not validate.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AdminIT extends RadmfaTestSupport {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    private ClientAdmin clientAdmin;

    @Inject
    private LocalUserAdmin userAdmin;

    @Inject
    private PolicyAdmin policyAdmin;

    @Inject
    private ClientRegistry clientRegistry;

    private static Path etc() {
        return Path.of(System.getProperty("karaf.etc"));
    }

    @Test
    public void aClientAddedIsWrittenToEtcAndAnswered() throws Exception {
        clientAdmin.put(new ClientSettings("admin-it gw", "127.0.0.3", null, true, 30, 3), "admin-it-secret");
        Path file = etc().resolve("org.radmfa.client-admin-it-gw.cfg");
        assertTrue(file + " written", Files.isRegularFile(file));
        settled(file, "127.0.0.3", "nasTimeoutSeconds");
        Await.until("client registered", TIMEOUT, () -> clientRegistry.clients().stream()
                .anyMatch(c -> c.name().equals("admin-it gw")));
        try (RadiusTestClient nas = new RadiusTestClient("127.0.0.3", authPort())) {
            // Registered in the registry is not yet answered by every socket: send until answered (a busy CI
            // machine may take a while), then expect an accept.
            RadiusTestClient.Response[] first = new RadiusTestClient.Response[1];
            Await.until("the new client answered", TIMEOUT, () -> {
                try {
                    first[0] = nas.receive(nas.sendPap(DEMO_USER, DEMO_PASSWORD, "admin-it-secret",
                            "admin-it-secret"), 5000);
                    return first[0] != null;
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(RadiusTestClient.ACCESS_ACCEPT, first[0].code());

            clientAdmin.setSecret("admin-it gw", "rotated-secret");
            Await.until("new secret in use", TIMEOUT, () -> clientRegistry.clients().stream()
                    .anyMatch(c -> c.name().equals("admin-it gw")
                            && c.secret().equals(org.radmfa.api.SharedSecret.of("rotated-secret"))));
            RadiusTestClient.Sent old = nas.sendPap(DEMO_USER, DEMO_PASSWORD, "admin-it-secret", "admin-it-secret");
            assertNull("the old secret is refused", nas.receive(old, 1000));

            assertTrue(clientAdmin.remove("admin-it gw"));
            Await.until("client gone", TIMEOUT, () -> clientRegistry.clients().stream()
                    .noneMatch(c -> c.name().equals("admin-it gw")));
            Await.until(file + " deleted", TIMEOUT, () -> !Files.exists(file));
            RadiusTestClient.Sent gone = nas.sendPap(DEMO_USER, DEMO_PASSWORD, "rotated-secret", "rotated-secret");
            assertNull("a removed client gets no answer", nas.receive(gone, 1000));
        }
    }

    @Test
    public void anOperatorsCommentSurvivesAChangeThroughTheService() throws Exception {
        // Written by hand, as an operator would; FileInstall makes it a configuration.
        Path file = etc().resolve("org.radmfa.client-admin-it-noted.cfg");
        Files.writeString(file, "# operator note: gateway in rack 4\nname = admin-it noted\naddress = 127.0.0.5\n"
                + "secret = noted-secret-1\n", StandardCharsets.ISO_8859_1);
        Await.until("the hand-written client is known", TIMEOUT, () -> {
            try {
                return clientAdmin.client("admin-it noted").isPresent();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        clientAdmin.setSecret("admin-it noted", "noted-secret-2");
        // The comment stays; the new secret is written sealed, and it is the one in use.
        String settled = settled(file, "# operator note: gateway in rack 4", "secret = {aes-gcm}");
        assertFalse(settled, settled.contains("noted-secret"));
        Await.until("the new secret in use", TIMEOUT, () -> {
            try {
                return clientAdmin.client("admin-it noted").orElseThrow().secretFingerprint()
                        .equals(org.radmfa.api.SharedSecret.of("noted-secret-2").fingerprint());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(clientAdmin.remove("admin-it noted"));
        Await.until(file + " deleted", TIMEOUT, () -> !Files.exists(file));
    }

    @Test
    public void badDefinitionsAreRefusedWithKeyAndReason() throws Exception {
        expectInvalid("address", () -> clientAdmin.put(new ClientSettings("bad", "10.0.0.0/33", null, true, 0, 0),
                "some-secret"));
        expectInvalid("secret", () -> clientAdmin.put(new ClientSettings("bad", "10.9.9.9", null, true, 0, 0),
                null));
        expectInvalid("address", () -> clientAdmin.put(new ClientSettings("copy", "127.0.0.1", null, true, 0, 0),
                "some-secret"));
        expectInvalid("condition.dayAndTime", () -> policyAdmin.put(new PolicySettings(PolicyKind.NETWORK, "bad",
                5, true, Map.of("access", "grant", "condition.dayAndTime", "Mon-Fri 25:00-26:00"))));
        expectInvalid("order", () -> policyAdmin.put(new PolicySettings(PolicyKind.NETWORK, "clash", 10, true,
                Map.of("access", "grant"))));
        expectInvalid("acess", () -> policyAdmin.put(new PolicySettings(PolicyKind.NETWORK, "typo", 11, true,
                Map.of("acess", "grant"))));
        expectInvalid("password", () -> userAdmin.put(new LocalUserSettings("nobody", List.of(), true, false,
                false), null));
        assertFalse(Files.exists(etc().resolve("org.radmfa.client-bad.cfg")));
        assertFalse(Files.exists(etc().resolve("org.radmfa.policy-bad.cfg")));
    }

    /** What an importer relies on: check refuses as put would, and a definition that passes is still not stored. */
    @Test
    public void checkRefusesAsPutWouldAndStoresNothing() throws Exception {
        expectInvalid("address", () -> clientAdmin.check(new ClientSettings("copy", "127.0.0.1", null, true, 0, 0),
                "some-secret"));
        expectInvalid("order", () -> policyAdmin.check(new PolicySettings(PolicyKind.NETWORK, "clash", 10, true,
                Map.of("access", "grant"))));
        expectInvalid("condition.dayAndTime", () -> policyAdmin.check(new PolicySettings(PolicyKind.NETWORK,
                "bad", 5, true, Map.of("access", "grant", "condition.dayAndTime", "Mon-Fri 25:00-26:00"))));
        clientAdmin.check(new ClientSettings("admin-it checked", "127.0.0.66", null, true, 0, 0), "checked-secret");
        policyAdmin.check(new PolicySettings(PolicyKind.NETWORK, "admin-it checked", 12, true,
                Map.of("access", "grant")));
        assertTrue(clientAdmin.client("admin-it checked").isEmpty());
        assertTrue(policyAdmin.policy(PolicyKind.NETWORK, "admin-it checked").isEmpty());
        assertFalse(Files.exists(etc().resolve("org.radmfa.client-admin-it-checked.cfg")));
        assertFalse(Files.exists(etc().resolve("org.radmfa.policy-admin-it-checked.cfg")));
    }

    @Test
    public void aUserAddedLogsInAndNoClearPasswordIsStored() throws Exception {
        userAdmin.put(new LocalUserSettings("admin-it-user", List.of("vpn-users"), true, false, false),
                "first-password-1");
        Path file = etc().resolve("org.radmfa.user-admin-it-user.cfg");
        String content = settled(file, "passwordHash", "pbkdf2-sha256");
        assertFalse(content, content.contains("first-password-1"));
        try (RadiusTestClient nas = new RadiusTestClient("127.0.0.1", authPort())) {
            awaitCode(nas, "admin-it-user", "first-password-1", RadiusTestClient.ACCESS_ACCEPT);
            userAdmin.setPassword("admin-it-user", "second-password-2");
            awaitCode(nas, "admin-it-user", "second-password-2", RadiusTestClient.ACCESS_ACCEPT);
            awaitCode(nas, "admin-it-user", "first-password-1", RadiusTestClient.ACCESS_REJECT);
            userAdmin.setEnabled("admin-it-user", false);
            awaitCode(nas, "admin-it-user", "second-password-2", RadiusTestClient.ACCESS_REJECT);
        }
        assertFalse(settled(file, "passwordHash").contains("second-password-2"));
        assertTrue(userAdmin.remove("admin-it-user"));
    }

    @Test
    public void aDefinitionShippedByTheFeatureIsChangedInItsOwnFile() throws Exception {
        LocalUserSettings demo = userAdmin.user(DEMO_USER).orElseThrow().settings();
        assertTrue("the demo user's stored NT hash allows MS-CHAPv2", demo.msChapV2());
        List<String> groups = new java.util.ArrayList<>(demo.groups());
        groups.add("admin-it-extra");
        userAdmin.put(new LocalUserSettings(demo.name(), groups, demo.enabled(), demo.msChapV2(), demo.chap()), null);
        settled(etc().resolve("org.radmfa.user-demo.cfg"), "admin-it-extra", "ntHash", "passwordHash",
                "org.apache.karaf.features.configKey");
        try (RadiusTestClient nas = new RadiusTestClient("127.0.0.1", authPort())) {
            awaitCode(nas, DEMO_USER, DEMO_PASSWORD, RadiusTestClient.ACCESS_ACCEPT);
        } finally {
            userAdmin.put(demo, null);
        }
        assertEquals(demo.groups(), userAdmin.user(DEMO_USER).orElseThrow().settings().groups());
    }

    @Test
    public void movingAPolicyChangesTheDecision() throws Exception {
        // A deny for the demo user's group, last: the demo policy (order 10) grants first.
        policyAdmin.put(new PolicySettings(PolicyKind.NETWORK, "admin-it deny", 500, true,
                Map.of("access", "deny", "condition.userGroups", "vpn-users")));
        try (RadiusTestClient nas = new RadiusTestClient("127.0.0.1", authPort())) {
            awaitCode(nas, DEMO_USER, DEMO_PASSWORD, RadiusTestClient.ACCESS_ACCEPT);
            List<PolicyEntry> moved = policyAdmin.move(PolicyKind.NETWORK, "admin-it deny", 1);
            assertEquals("admin-it deny", moved.get(0).settings().name());
            awaitCode(nas, DEMO_USER, DEMO_PASSWORD, RadiusTestClient.ACCESS_REJECT);
            policyAdmin.setEnabled(PolicyKind.NETWORK, "admin-it deny", false);
            awaitCode(nas, DEMO_USER, DEMO_PASSWORD, RadiusTestClient.ACCESS_ACCEPT);
            // Put it right after the demo grant: no gap below it is needed, the order is chosen in between.
            policyAdmin.setEnabled(PolicyKind.NETWORK, "admin-it deny", true);
            policyAdmin.move(PolicyKind.NETWORK, "admin-it deny", 2);
            awaitCode(nas, DEMO_USER, DEMO_PASSWORD, RadiusTestClient.ACCESS_ACCEPT);
        } finally {
            policyAdmin.remove(PolicyKind.NETWORK, "admin-it deny");
        }
    }

    /**
     * What a cluster peer or the vault do: change a file-backed configuration through ConfigurationAdmin alone. Its
     * etc/ file follows (radmfa-config-support's write-back; FileInstall's own is off), comments kept, so that the
     * change survives a restart.
     */
    @Test
    public void aChangeMadeInConfigurationAdminAloneReachesItsFile() throws Exception {
        Path file = etc().resolve("org.radmfa.itest.writeback.cfg");
        Files.writeString(file, "# written by AdminIT\ncolour = blue\n");
        try {
            Configuration configuration = awaitFileInstalled("org.radmfa.itest.writeback", "colour", "blue");
            Dictionary<String, Object> changed = configuration.getProperties();
            changed.put("colour", "green");
            configuration.update(changed);
            // Written before update returned: no wait.
            assertEquals("# written by AdminIT\ncolour = green\n", Files.readString(file));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * FileInstall reads a changed file, then compares it with ConfigurationAdmin: a change made in between (the admin
     * services write the file, then ConfigurationAdmin) had it apply its older read over the newer change, which the
     * next read-modify-write (a policy moved twice) then started from. The file as it is now is applied again at once.
     */
    @Test
    public void anOlderReadFileInstallAppliesIsReplacedByTheFileAtOnce() throws Exception {
        Path file = etc().resolve("org.radmfa.itest.catchup.cfg");
        Files.writeString(file, "colour = blue\n");
        try {
            Configuration configuration = awaitFileInstalled("org.radmfa.itest.catchup", "colour", "blue");
            Dictionary<String, Object> older = configuration.getProperties();
            // A change as the admin services make it: the file first, then ConfigurationAdmin.
            Files.writeString(file, "colour = green\n");
            Dictionary<String, Object> newer = configuration.getProperties();
            newer.put("colour", "green");
            configuration.update(newer);
            // FileInstall applying what it read before that change, in its own thread.
            Exception[] failure = {null};
            Thread fileInstall = new Thread(() -> {
                try {
                    configuration.update(older);
                } catch (java.io.IOException e) {
                    failure[0] = e;
                }
            }, "fileinstall-" + etc());
            fileInstall.start();
            fileInstall.join();
            assertNull(failure[0]);

            assertEquals("green", configurationAdmin.listConfigurations("(service.pid=org.radmfa.itest.catchup)")[0]
                    .getProperties().get("colour"));
            assertEquals("colour = green\n", Files.readString(file));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private Configuration awaitFileInstalled(String pid, String key, String value) {
        Configuration[] found = {null};
        Await.until(pid + " read by FileInstall with " + key + " = " + value, TIMEOUT, () -> {
            try {
                Configuration[] listed = configurationAdmin.listConfigurations("(service.pid=" + pid + ")");
                found[0] = listed == null ? null : listed[0];
            } catch (java.io.IOException | org.osgi.framework.InvalidSyntaxException e) {
                return false;
            }
            return found[0] != null && found[0].getProperties() != null
                    && value.equals(found[0].getProperties().get(key));
        });
        return found[0];
    }

    /**
     * The file once it holds every text. Written whole before the admin call returns in the appliance; waited for
     * all the same, since on a Karaf that keeps FileInstall's own write-back a read can catch the file mid-rewrite.
     */
    static String settled(Path file, String... texts) {
        String[] content = {""};
        Await.until(file + " holding " + java.util.Arrays.toString(texts), TIMEOUT, () -> {
            try {
                content[0] = Files.readString(file, StandardCharsets.ISO_8859_1);
            } catch (java.io.IOException e) {
                return false;
            }
            return java.util.Arrays.stream(texts).allMatch(content[0]::contains);
        });
        return content[0];
    }

    private interface Change {
        void run() throws Exception;
    }

    private static void expectInvalid(String key, Change change) throws Exception {
        try {
            change.run();
            fail("refused for key " + key);
        } catch (InvalidDefinitionException e) {
            assertEquals(e.getMessage(), key, e.key());
        }
    }
}
