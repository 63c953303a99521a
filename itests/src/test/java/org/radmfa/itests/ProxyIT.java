package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.radmfa.api.RemoteServerGroups;
import org.radmfa.api.RemoteServerStatus;

/**
 * Forwarding to remote RADIUS server groups, against real FreeRADIUS 3 servers (Debian's freeradius) that the test
 * starts on loopback with private configuration directories: PAP accepted and rejected by the remote server with
 * its reply attributes; a remote server whose answers fail their authenticators is no answer and the next server
 * decides; failover between two FreeRADIUS servers when one is stopped, without a lost request, and the stopped
 * one back in service through Status-Server once it runs again; MS-CHAPv2 (RFC 2759 vectors, MPPE key re-hidden for
 * our client) and EAP (EAP-MSCHAPv2, PEAP) through eapol_test, whose MPPE keys must match.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyIT extends RadmfaTestSupport {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String REMOTE_SECRET = "remote-secret-4711";
    private static final List<String> USERS = List.of(
            "alice Cleartext-Password := \"alice-password\"",
            "\tReply-Message := \"Hello from FreeRADIUS\",",
            "\tSession-Timeout := 3600",
            "",
            "User Cleartext-Password := \"clientPass\"",
            "",
            "carol Cleartext-Password := \"carol-password\"");

    private final List<Configuration> created = new ArrayList<>();

    private Path workDir() throws Exception {
        return Files.createTempDirectory("radmfa-proxy-it-");
    }

    private void server(String group, String name, FreeRadius remote, String secret, int priority,
            Map<String, String> extra) throws Exception {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("name", name);
        properties.put("group", group);
        properties.put("address", "127.0.0.1");
        properties.put("authPort", String.valueOf(remote.authPort));
        properties.put("acctPort", String.valueOf(remote.acctPort));
        properties.put("secret", secret);
        properties.put("priority", String.valueOf(priority));
        properties.put("timeoutSeconds", "1");
        properties.put("maxLostRequests", "2");
        properties.put("blackoutSeconds", "1");
        extra.forEach(properties::put);
        Configuration configuration = configurationAdmin.getFactoryConfiguration("org.radmfa.proxy.server",
                group + name, "?");
        configuration.update(properties);
        created.add(configuration);
    }

    /** A connection request policy forwarding the users whose name matches to the group. */
    private void forwarding(String name, int order, String userName, String group, boolean stripRealm)
            throws Exception {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("name", name);
        properties.put("order", String.valueOf(order));
        properties.put("action", "forward");
        properties.put("serverGroup", group);
        properties.put("condition.userName", userName);
        if (stripRealm) {
            properties.put("rewrite.pattern", "@[^@]+$");
            properties.put("rewrite.replacement", "");
        }
        Configuration configuration = configurationAdmin.getFactoryConfiguration("org.radmfa.crp", name, "?");
        configuration.update(properties);
        created.add(configuration);
    }

    private void cleanUp() throws Exception {
        for (Configuration configuration : created) {
            configuration.delete();
        }
        created.clear();
    }

    private RemoteServerStatus status(String group, String name) {
        org.osgi.framework.ServiceReference<RemoteServerGroups> reference = bundleContext.getServiceReference(
                RemoteServerGroups.class);
        RemoteServerGroups groups = reference == null ? null : bundleContext.getService(reference);
        if (groups == null) {
            return null;
        }
        return groups.servers().stream().filter(s -> s.group().equals(group) && s.name().equals(name)).findFirst()
                .orElse(null);
    }

    /** Before the policy that sends requests to them: a test must not see a half-configured group. */
    private void awaitServers(String group, String... names) {
        Await.until("servers of group " + group + " configured", TIMEOUT, () -> {
            for (String name : names) {
                if (status(group, name) == null) {
                    return false;
                }
            }
            return true;
        });
    }

    /** One PAP login as a NAS makes it: a new request after each timeout, three tries. */
    private static RadiusTestClient.Response login(RadiusTestClient nas, String user, String password)
            throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            RadiusTestClient.Sent sent = nas.sendPap(user, password, DEMO_SECRET, DEMO_SECRET);
            RadiusTestClient.Response response = nas.receive(sent, 5000);
            if (response != null) {
                return response;
            }
        }
        return null;
    }

    private static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** eapol_test as carol with this method, against the appliance; it checks the MPPE keys against its own. */
    private Commands.Result eapolTest(Path work, String method) throws Exception {
        Path config = work.resolve("eapol-carol.conf");
        Files.writeString(config, "network={\n    key_mgmt=IEEE8021X\n    " + method + "\n    identity=\"carol\"\n"
                + "    password=\"carol-password\"\n}\n");
        return Commands.run(work, Map.of(), null, Duration.ofSeconds(60), List.of("eapol_test", "-c",
                config.toString(), "-a", "127.0.0.1", "-p", String.valueOf(authPort()), "-s", DEMO_SECRET, "-r0", "-t",
                "20"));
    }

    @Test
    public void theProxyCommandIsInTheShippedAcl() throws Exception {
        assertEveryRadmfaCommandInTheAcl(25);
    }

    @Test
    public void papIsForwardedAndTheRemoteAnswerComesBackWithItsAttributes() throws Exception {
        Path work = workDir();
        try (FreeRadius remote = new FreeRadius(work, "pap", REMOTE_SECRET, USERS).start();
                RadiusTestClient nas = new RadiusTestClient("127.0.0.1", authPort())) {
            // FreeRADIUS delays an Access-Reject by a second (reject_delay): the timeout must be longer.
            server("ga", "fr1", remote, REMOTE_SECRET, 1, Map.of("timeoutSeconds", "3"));
            forwarding("Realm a.example", 10, "@a\\.example$", "ga", true);
            RadiusTestClient.Response[] answer = new RadiusTestClient.Response[1];
            Await.until("alice@a.example accepted by FreeRADIUS", TIMEOUT, () -> {
                try {
                    answer[0] = login(nas, "alice@a.example", "alice-password");
                    return answer[0] != null && answer[0].code() == RadiusTestClient.ACCESS_ACCEPT;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals("FreeRADIUS's Reply-Message", "Hello from FreeRADIUS", text(answer[0].attribute(18)));
            assertEquals("FreeRADIUS's Session-Timeout", "0000" + "0e10",
                    HexFormat.of().formatHex(answer[0].attribute(27)));
            assertTrue("no Proxy-State of ours reaches the client", answer[0].attribute(33) == null);

            RadiusTestClient.Response rejected = login(nas, "alice@a.example", "not-the-password");
            assertNotNull(rejected);
            assertEquals(RadiusTestClient.ACCESS_REJECT, rejected.code());

            // The NAS's retransmits, sent while FreeRADIUS holds its Access-Reject back (reject_delay), join the
            // request in flight: forwarded once, every copy answered with the same answer.
            long forwardedBefore = status("ga", "fr1").forwarded();
            RadiusTestClient.Sent slow = nas.sendPap("alice@a.example", "wrong-again", DEMO_SECRET, DEMO_SECRET);
            nas.retransmit(slow);
            nas.retransmit(slow);
            RadiusTestClient.Response original = nas.receive(slow, 5000);
            assertNotNull("answered", original);
            assertEquals(RadiusTestClient.ACCESS_REJECT, original.code());
            for (int copy = 0; copy < 2; copy++) {
                RadiusTestClient.Response again = nas.receive(slow, 5000);
                assertNotNull("retransmit " + copy + " answered", again);
                assertTrue("the same answer", java.util.Arrays.equals(original.packet(), again.packet()));
            }
            assertEquals("forwarded once", forwardedBefore + 1, status("ga", "fr1").forwarded());

            String decisions = shell("radmfa:decisions --no-format --trace -n 5");
            assertTrue(decisions, decisions.contains("forwarded to remote RADIUS server group 'ga'"));
            assertTrue(decisions, decisions.matches("(?s).*remote server 'fr1' \\(127\\.0\\.0\\.1:" + remote.authPort
                    + "\\): Access-Accept in \\d+ ms.*"));
            assertTrue(decisions, decisions.contains("REMOTE_REJECTED"));
            assertFalse("no password in the decisions", decisions.contains("alice-password")
                    || decisions.contains("not-the-password") || decisions.contains("wrong-again"));

            // Accounting of a forwarded user goes to the remote server too, under the rewritten User-Name.
            Commands.Result accounting = Commands.run(work, Map.of(), "User-Name = alice@a.example\n"
                    + "Acct-Status-Type = Start\nAcct-Session-Id = proxy-it-4711\nNAS-IP-Address = 127.0.0.1\n",
                    Duration.ofSeconds(30), List.of("radclient", "-r", "3", "-t", "5", "127.0.0.1:" + acctPort(),
                            "acct", DEMO_SECRET));
            assertTrue(accounting.toString(), accounting.output.contains("Received Accounting-Response"));
            Await.until("the accounting record in FreeRADIUS's detail file", TIMEOUT, () -> {
                try (java.util.stream.Stream<Path> files = Files.walk(remote.dir.resolve("radacct"))) {
                    return files.filter(Files::isRegularFile).anyMatch(file -> {
                        try {
                            String detail = Files.readString(file, StandardCharsets.UTF_8);
                            return detail.contains("proxy-it-4711") && detail.contains("User-Name = \"alice\"");
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    });
                } catch (java.io.IOException e) {
                    return false;
                }
            });

            String proxy = shell("radmfa:proxy --no-format");
            assertTrue(proxy, proxy.contains("fr1") && proxy.contains("up"));
            assertFalse("the secret is never shown", proxy.contains(REMOTE_SECRET));
            Await.until("the remote secret sealed by the vault", TIMEOUT, () -> {
                Object secret = created.get(0).getProperties().get("secret");
                return secret != null && secret.toString().startsWith("{aes-gcm}");
            });
        } finally {
            cleanUp();
            RunningAppliance.deleteTree(work);
        }
    }

    /**
     * A server that shares another secret cannot sign its answers for us: they fail the Response Authenticator and
     * count as no answer; the next server of the group decides.
     */
    @Test
    public void anAnswerWithAWrongAuthenticatorIsNoAnswerAndTheNextServerDecides() throws Exception {
        Path work = workDir();
        try (FreeRadius liar = new FreeRadius(work, "liar", "another-secret", USERS).start();
                FreeRadius good = new FreeRadius(work, "good", REMOTE_SECRET, USERS).start();
                RadiusTestClient nas = new RadiusTestClient("127.0.0.1", authPort())) {
            // Without Message-Authenticator, so that FreeRADIUS answers (an Access-Reject, the password un-hidden
            // with its own secret is wrong) rather than drops the request.
            // Its Access-Reject comes after FreeRADIUS's reject_delay of a second, well within the timeout: it is
            // received and fails its Response Authenticator (were it taken, the login would be rejected).
            server("gb", "liar", liar, REMOTE_SECRET, 1, Map.of("sendMessageAuthenticator", "false",
                    "timeoutSeconds", "3"));
            server("gb", "good", good, REMOTE_SECRET, 2, Map.of());
            awaitServers("gb", "liar", "good");
            forwarding("Realm b.example", 11, "@b\\.example$", "gb", true);
            RadiusTestClient.Response[] answer = new RadiusTestClient.Response[1];
            Await.until("alice@b.example accepted by the good server", TIMEOUT, () -> {
                try {
                    answer[0] = login(nas, "alice@b.example", "alice-password");
                    return answer[0] != null && answer[0].code() == RadiusTestClient.ACCESS_ACCEPT;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            RemoteServerStatus liarStatus = status("gb", "liar");
            assertTrue(liarStatus.toString(), liarStatus.badAnswers() >= 1 && liarStatus.answered() == 0);
            String decisions = shell("radmfa:decisions --no-format --trace -n 1");
            assertTrue(decisions, decisions.contains("remote server 'liar' (127.0.0.1:" + liar.authPort
                    + "): no answer within 3000 ms"));
            assertTrue(decisions, decisions.contains("remote server 'good' (127.0.0.1:" + good.authPort
                    + "): Access-Accept"));
        } finally {
            cleanUp();
            RunningAppliance.deleteTree(work);
        }
    }

    /**
     * Two FreeRADIUS servers of one group; the first is stopped in the middle of a series of logins. Every login is
     * answered (none lost: the requests it did not answer went to the second), the first is marked down, and when it
     * runs again a Status-Server probe brings it back and it gets the requests again.
     */
    @Test
    public void whenTheFirstServerStopsTheSecondAnswersAndNoLoginIsLost() throws Exception {
        Path work = workDir();
        try (FreeRadius first = new FreeRadius(work, "first", REMOTE_SECRET, USERS).start();
                FreeRadius second = new FreeRadius(work, "second", REMOTE_SECRET, USERS).start();
                RadiusTestClient nas = new RadiusTestClient("127.0.0.1", authPort())) {
            server("gc", "first", first, REMOTE_SECRET, 1, Map.of());
            server("gc", "second", second, REMOTE_SECRET, 2, Map.of());
            awaitServers("gc", "first", "second");
            forwarding("Realm c.example", 12, "@c\\.example$", "gc", true);
            Await.until("alice@c.example accepted", TIMEOUT, () -> {
                try {
                    RadiusTestClient.Response answer = login(nas, "alice@c.example", "alice-password");
                    return answer != null && answer.code() == RadiusTestClient.ACCESS_ACCEPT;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int accepted = 0;
            int lost = 0;
            for (int i = 0; i < 30; i++) {
                if (i == 10) {
                    first.stop();
                }
                RadiusTestClient.Response answer = login(nas, "alice@c.example", "alice-password");
                if (answer == null) {
                    lost++;
                } else if (answer.code() == RadiusTestClient.ACCESS_ACCEPT) {
                    accepted++;
                }
            }
            assertEquals("lost logins", 0, lost);
            assertEquals("accepted logins", 30, accepted);
            RemoteServerStatus down = status("gc", "first");
            assertFalse("the stopped server is down: " + down, down.up());
            assertTrue(status("gc", "second").answered() >= 20);
            String proxy = shell("radmfa:proxy --no-format");
            assertTrue(proxy, proxy.contains("DOWN since"));

            first.start();
            Await.until("the first server back in service through Status-Server", TIMEOUT,
                    () -> status("gc", "first").up());
            long before = status("gc", "first").answered();
            RadiusTestClient.Response again = login(nas, "alice@c.example", "alice-password");
            assertEquals(RadiusTestClient.ACCESS_ACCEPT, again.code());
            assertTrue("the first server gets the requests again", status("gc", "first").answered() > before);
        } finally {
            cleanUp();
            RunningAppliance.deleteTree(work);
        }
    }

    /**
     * MS-CHAPv2 with the exchange of RFC 2759 section 9.2, forwarded: FreeRADIUS's authenticator response comes back
     * and its MPPE send key (RFC 3079), hidden for the appliance, is hidden again for our client. Then EAP from
     * eapol_test, forwarded as it comes (EAP-MSCHAPv2, and PEAP, which the appliance does not speak itself), every
     * round trip tied by FreeRADIUS's State: eapol_test checks the MPPE keys against its own.
     */
    @Test
    public void msChapV2AndEapAreForwardedWithTheirKeys() throws Exception {
        Path work = workDir();
        try (FreeRadius remote = new FreeRadius(work, "mschap", REMOTE_SECRET, USERS).start();
                FreeRadius twin = new FreeRadius(work, "mschap2", REMOTE_SECRET, USERS).start();
                RadiusTestClient nas = new RadiusTestClient("127.0.0.1", authPort())) {
            // Two servers of one priority and weight: only the State keeps an EAP conversation on one of them (the
            // other knows nothing of it), over PEAP's ten or so round trips.
            server("gd", "fr-mschap", remote, REMOTE_SECRET, 1, Map.of());
            server("gd", "fr-mschap2", twin, REMOTE_SECRET, 1, Map.of());
            awaitServers("gd", "fr-mschap", "fr-mschap2");
            // No realm to strip: MS-CHAPv2's challenge hash covers the user name the client typed.
            forwarding("Remote MS-CHAP users", 13, "^(User|carol)$", "gd", false);
            HexFormat hex = HexFormat.of();
            RadiusTestClient.Response[] answer = new RadiusTestClient.Response[1];
            RadiusTestClient.Sent[] sent = new RadiusTestClient.Sent[1];
            Await.until("'User' accepted by FreeRADIUS with MS-CHAPv2", TIMEOUT, () -> {
                try {
                    sent[0] = nas.sendMsChapV2("User", 7, hex.parseHex("5b5d7c7d7b3f2f3e3c2c602132262628"),
                            hex.parseHex("21402324255e262a28295f2b3a337c7e"),
                            hex.parseHex("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df"), DEMO_SECRET);
                    answer[0] = nas.receive(sent[0], 5000);
                    return answer[0] != null && answer[0].code() == RadiusTestClient.ACCESS_ACCEPT;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] success = answer[0].microsoft(26);
            assertEquals(7, success[0]);
            assertEquals("S=407A5589115FD0D6209F510FE9C04566932CDA56",
                    new String(success, 1, success.length - 1, StandardCharsets.US_ASCII));
            assertEquals("the send key, hidden again with our client's secret", "8b7cdc149b993a1ba118cb153f56dccb",
                    hex.formatHex(RadiusTestClient.unhideMppeKey(answer[0].microsoft(16), sent[0])));

            // EAP goes to FreeRADIUS untouched, every round trip to the same server: EAP-MSCHAPv2, and PEAP, which
            // the appliance itself does not speak.
            Commands.Result eap = eapolTest(work, "eap=MSCHAPV2");
            assertTrue(eap.toString(), eap.output.contains("CTRL-EVENT-EAP-SUCCESS"));
            assertTrue(eap.toString(), eap.output.contains("MPPE keys OK: 1  mismatch: 0"));
            String decisions = shell("radmfa:decisions --no-format --trace -n 1");
            assertTrue(decisions, decisions.contains("remote server 'fr-mschap"));
            Commands.Result peap = eapolTest(work, "eap=PEAP\n    phase2=\"auth=MSCHAPV2\"");
            assertTrue(peap.toString(), peap.output.contains("CTRL-EVENT-EAP-SUCCESS"));
            assertTrue(peap.toString(), peap.output.contains("MPPE keys OK: 1  mismatch: 0"));
            String challenges = shell("radmfa:decisions --no-format --trace -n 30");
            assertTrue(challenges, challenges.contains("REMOTE_CHALLENGE")
                    && challenges.contains("the answer goes back to it"));
        } finally {
            cleanUp();
            RunningAppliance.deleteTree(work);
        }
    }
}
