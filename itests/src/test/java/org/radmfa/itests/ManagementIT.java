package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.radmfa.api.ClientRegistry;
import org.radmfa.api.RemoteServerGroups;
import org.radmfa.api.admin.ClientAdmin;
import org.radmfa.api.admin.PolicyAdmin;
import org.radmfa.api.admin.PolicyKind;

/**
 * The radmfa shell commands in a stock Karaf with {@code radmfa} and {@code radmfa-demo}, run as a shell user with
 * a given role so that the command ACL the feature ships applies; secrets and passwords are typed at the masked
 * prompt (the session's input), never given as arguments. Each change is checked on the wire.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ManagementIT extends RadmfaTestSupport {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    private ClientRegistry clientRegistry;

    @Inject
    private ClientAdmin clientAdmin;

    @Inject
    private PolicyAdmin policyAdmin;

    @Inject
    private RemoteServerGroups remoteServerGroups;

    /** Every radmfa:* command has an entry in the shipped ACL: one missing would be open to any shell user. */
    @Test
    public void everyCommandOfTheScopeIsInTheShippedAcl() throws Exception {
        assertEveryRadmfaCommandInTheAcl(20);
    }

    @Test
    public void aViewerMayListClientsButNotAddOne() throws Exception {
        String listed = shellAs("viewer", "", "radmfa:clients --no-format");
        assertTrue(listed, listed.contains("localhost-demo"));
        String refused = shellAs("viewer", "viewer-secret-1\nviewer-secret-1\n",
                "radmfa:clients-add viewer-gw 127.0.0.8");
        assertTrue(refused, refused.contains("ERROR"));
        assertFalse(refused, refused.contains("viewer-secret-1"));
        assertTrue("nothing added", clientAdmin.client("viewer-gw").isEmpty());
        assertFalse(Files.exists(etc().resolve("org.radmfa.client-viewer-gw.cfg")));
        // The same command as admin works: the refusal was the ACL, not the command.
        String added = shellAs("admin", "viewer-secret-1\nviewer-secret-1\n", "radmfa:clients-add viewer-gw 127.0.0.8");
        assertTrue(added, added.contains("stored in etc/org.radmfa.client-viewer-gw.cfg"));
        assertTrue(shellAs("admin", "", "radmfa:clients-remove viewer-gw").contains("removed"));
    }

    @Test
    public void aClientAddedFromTheShellIsAnsweredAndARemovedOneIsNot() throws Exception {
        String output = shellAs("admin", "mgmt-secret-42\nmgmt-secret-42\n",
                "radmfa:clients-add --nas-timeout 60 --nas-retries 2 mgmt-gw 127.0.0.4");
        assertTrue(output, output.contains("Client 'mgmt-gw' at 127.0.0.4 stored in"));
        assertFalse("the secret is never printed: " + output, output.contains("mgmt-secret-42"));
        AdminIT.settled(etc().resolve("org.radmfa.client-mgmt-gw.cfg"), "nasTimeoutSeconds", "127.0.0.4");
        Await.until("mgmt-gw registered", TIMEOUT, () -> clientRegistry.clients().stream()
                .anyMatch(c -> c.name().equals("mgmt-gw")));
        try (RadiusTestClient nas = new RadiusTestClient("127.0.0.4", authPort())) {
            RadiusTestClient.Sent sent = nas.sendPap(DEMO_USER, DEMO_PASSWORD, "mgmt-secret-42", "mgmt-secret-42");
            assertEquals(RadiusTestClient.ACCESS_ACCEPT, nas.receive(sent, 5000).code());
            String shown = shellAs("viewer", "", "radmfa:clients-show --no-format mgmt-gw");
            assertTrue(shown, shown.contains("60 s") && shown.contains("Requests"));
            String removed = shellAs("admin", "", "radmfa:clients-remove mgmt-gw");
            assertTrue(removed, removed.contains("removed"));
            Await.until("mgmt-gw gone", TIMEOUT, () -> clientRegistry.clients().stream()
                    .noneMatch(c -> c.name().equals("mgmt-gw")));
            RadiusTestClient.Sent after = nas.sendPap(DEMO_USER, DEMO_PASSWORD, "mgmt-secret-42", "mgmt-secret-42");
            assertEquals("a removed client gets no answer", null, nas.receive(after, 1500));
        }
        String bad = shellAs("admin", "x-secret-1\nx-secret-1\n", "radmfa:clients-add bad-gw 10.1.255.0/33");
        assertTrue(bad, bad.contains("ERROR") && bad.contains("address"));
        String mismatch = shellAs("admin", "one-secret\nother-secret\n", "radmfa:clients-add odd-gw 127.0.0.9");
        assertTrue(mismatch, mismatch.contains("differ"));
        assertTrue(clientAdmin.client("odd-gw").isEmpty());
    }

    /**
     * A remote RADIUS server added from the shell is a file the proxy reads (its secret sealed, never printed),
     * proxy-set changes what is given and keeps the rest, bad values and unknown servers are refused with the key
     * or the name, a viewer may list but not change, and proxy-remove takes it out of the proxy.
     */
    @Test
    public void aRemoteServerAddedFromTheShellIsServedChangedAndRemoved() throws Exception {
        String added = shellAs("admin", "remote-secret-7\nremote-secret-7\n",
                "radmfa:proxy-add --auth-port 18120 --priority 2 old-radius fr1 127.0.0.1");
        assertTrue(added, added.contains("Remote server 'fr1' of group 'old-radius' at 127.0.0.1:18120 stored in"
                + " etc/org.radmfa.proxy.server-old-radius-fr1.cfg (secret sha256:"));
        assertFalse(added, added.contains("remote-secret-7"));
        String file = AdminIT.settled(etc().resolve("org.radmfa.proxy.server-old-radius-fr1.cfg"), "{aes-gcm}");
        assertFalse(file, file.contains("remote-secret-7"));
        Await.until("fr1 served by the proxy", TIMEOUT, () -> remoteServerGroups.servers().stream()
                .anyMatch(s -> s.name().equals("fr1") && s.priority() == 2));

        String listed = shellAs("viewer", "", "radmfa:proxy-groups --no-format");
        assertTrue(listed, listed.lines().anyMatch(l -> l.startsWith("old-radius") && l.contains("fr1")
                && l.contains("18120") && l.contains("forwarded")));
        String refused = shellAs("viewer", "", "radmfa:proxy-set --weight 80 old-radius fr1");
        assertTrue(refused, refused.contains("ERROR"));

        String changed = shellAs("admin", "", "radmfa:proxy-set --weight 80 --forward-accounting false"
                + " old-radius fr1");
        assertTrue(changed, changed.contains("Remote server 'fr1' of group 'old-radius' changed in"));
        Await.until("fr1 with weight 80", TIMEOUT, () -> remoteServerGroups.servers().stream()
                .anyMatch(s -> s.name().equals("fr1") && s.weight() == 80 && s.priority() == 2));
        String after = shellAs("viewer", "", "radmfa:proxy-groups --no-format");
        assertTrue(after, after.contains("not forwarded"));

        String badPort = shellAs("admin", "", "radmfa:proxy-set --auth-port 70000 old-radius fr1");
        assertTrue(badPort, badPort.contains("ERROR") && badPort.contains("authPort"));
        String badFlag = shellAs("admin", "", "radmfa:proxy-set --forward-accounting maybe old-radius fr1");
        assertTrue(badFlag, badFlag.contains("ERROR") && badFlag.contains("--forward-accounting"));
        String badNew = shellAs("admin", "x-secret-1\nx-secret-1\n", "radmfa:proxy-add --weight 0 old-radius"
                + " fr2 127.0.0.1");
        assertTrue(badNew, badNew.contains("ERROR") && badNew.contains("weight"));
        assertFalse("nothing stored", Files.exists(etc().resolve("org.radmfa.proxy.server-old-radius-fr2.cfg")));
        String twice = shellAs("admin", "x-secret-1\nx-secret-1\n", "radmfa:proxy-add old-radius fr1 127.0.0.2");
        assertTrue(twice, twice.contains("ERROR") && twice.contains("proxy-set"));
        String unknown = shellAs("admin", "", "radmfa:proxy-set --weight 5 old-radius nosuch");
        assertTrue(unknown, unknown.contains("ERROR") && unknown.contains("nosuch"));

        String removed = shellAs("admin", "", "radmfa:proxy-remove old-radius fr1");
        assertTrue(removed, removed.contains("Remote server 'fr1' removed from group 'old-radius'; the group has no"
                + " server left"));
        Await.until("fr1 gone from the proxy", TIMEOUT, () -> remoteServerGroups.servers().stream()
                .noneMatch(s -> s.name().equals("fr1")));
        String again = shellAs("admin", "", "radmfa:proxy-remove old-radius fr1");
        assertTrue(again, again.contains("ERROR") && again.contains("fr1"));
    }

    @Test
    public void aUserAddedWithAPasswordLogsInAndPasswdChangesIt() throws Exception {
        String added = shellAs("admin", "mgmt-pw-1\nmgmt-pw-1\n", "radmfa:users-add -g vpn-users mgmt-user");
        assertTrue(added, added.contains("User 'mgmt-user' stored in"));
        String file = AdminIT.settled(etc().resolve("org.radmfa.user-mgmt-user.cfg"), "passwordHash");
        assertFalse(file, file.contains("mgmt-pw-1"));
        try (RadiusTestClient nas = new RadiusTestClient("127.0.0.1", authPort())) {
            awaitCode(nas, "mgmt-user", "mgmt-pw-1", RadiusTestClient.ACCESS_ACCEPT);
            shellAs("admin", "mgmt-pw-2\nmgmt-pw-2\n", "radmfa:users-passwd mgmt-user");
            awaitCode(nas, "mgmt-user", "mgmt-pw-2", RadiusTestClient.ACCESS_ACCEPT);
            awaitCode(nas, "mgmt-user", "mgmt-pw-1", RadiusTestClient.ACCESS_REJECT);
            shellAs("admin", "", "radmfa:users-disable mgmt-user");
            awaitCode(nas, "mgmt-user", "mgmt-pw-2", RadiusTestClient.ACCESS_REJECT);
            shellAs("admin", "", "radmfa:users-enable mgmt-user");
            awaitCode(nas, "mgmt-user", "mgmt-pw-2", RadiusTestClient.ACCESS_ACCEPT);
            // Out of vpn-users, no policy grants the user any more.
            shellAs("admin", "", "radmfa:users-groups -r vpn-users -a staff mgmt-user");
            awaitCode(nas, "mgmt-user", "mgmt-pw-2", RadiusTestClient.ACCESS_REJECT);
        }
        String users = shellAs("viewer", "", "radmfa:users --no-format");
        assertTrue(users, users.contains("mgmt-user") && users.contains("staff"));
        assertTrue(shellAs("admin", "", "radmfa:users-remove mgmt-user").contains("removed"));
    }

    @Test
    public void movingAPolicyFromTheShellChangesTheDecision() throws Exception {
        String added = shellAs("admin", "",
                "radmfa:policies-add -o 500 mgmt-deny access=deny condition.userGroups=vpn-users");
        assertTrue(added, added.contains("stored in etc/org.radmfa.policy-mgmt-deny.cfg"));
        try (RadiusTestClient nas = new RadiusTestClient("127.0.0.1", authPort())) {
            awaitCode(nas, DEMO_USER, DEMO_PASSWORD, RadiusTestClient.ACCESS_ACCEPT);
            String moved = shellAs("admin", "", "radmfa:policies-move mgmt-deny 1");
            assertTrue(moved, moved.startsWith("1. mgmt-deny"));
            awaitCode(nas, DEMO_USER, DEMO_PASSWORD, RadiusTestClient.ACCESS_REJECT);
            String listed = shellAs("viewer", "", "radmfa:policies --no-format");
            String first = listed.lines().filter(l -> l.trim().split("\\s+")[0].equals("1")).findFirst()
                    .orElse("");
            assertTrue(listed, first.contains("mgmt-deny") && first.contains("userGroups=vpn-users"));
            shellAs("admin", "", "radmfa:policies-disable mgmt-deny");
            awaitCode(nas, DEMO_USER, DEMO_PASSWORD, RadiusTestClient.ACCESS_ACCEPT);
            String typo = shellAs("admin", "", "radmfa:policies-set mgmt-deny acess=grant");
            assertTrue(typo, typo.contains("ERROR") && typo.contains("acess"));
        } finally {
            policyAdmin.remove(PolicyKind.NETWORK, "mgmt-deny");
        }
    }

    @Test
    public void testAuthPrintsTheAnswerTheReplyAndTheTrace() throws Exception {
        try (RadiusTestClient nas = new RadiusTestClient("127.0.0.1", authPort())) {
            awaitCode(nas, DEMO_USER, DEMO_PASSWORD, RadiusTestClient.ACCESS_ACCEPT);
        }
        String accepted = shellAs("admin", DEMO_PASSWORD + "\n", "radmfa:test-auth demo");
        assertTrue(accepted, accepted.contains("Access-Accept") && accepted.contains("Session-Timeout = 28800")
                && accepted.contains("Trace:") && accepted.contains("network policy 'Demo VPN users'"));
        assertFalse(accepted, accepted.contains(DEMO_PASSWORD));
        String rejected = shellAs("admin", "not-the-password\n", "radmfa:test-auth demo");
        assertTrue(rejected, rejected.contains("Access-Reject") && rejected.contains("AUTHENTICATION_FAILED"));
        // The demo user has no password kept for CHAP: the trace says so.
        String chap = shellAs("admin", DEMO_PASSWORD + "\n", "radmfa:test-auth -m CHAP demo");
        assertTrue(chap, chap.contains("Access-Reject") && chap.contains("UNSUPPORTED_AUTH_METHOD"));
        String viewer = shellAs("viewer", DEMO_PASSWORD + "\n", "radmfa:test-auth demo");
        assertFalse(viewer, viewer.contains("Access-Accept"));
    }

    @Test
    public void tailStatsAndMfaShowWhatHappens() throws Exception {
        CompletableFuture<String> tail = CompletableFuture.supplyAsync(() -> {
            try {
                return shellAs("viewer", "", "radmfa:tail -n 1 --timeout 30 -u mfa-demo");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (RadiusTestClient nas = new RadiusTestClient("127.0.0.1", authPort())) {
            // Until the tail's listener is registered, a decision may pass unseen: repeat until the tail ends.
            Await.until("the tail prints a decision", TIMEOUT, () -> {
                try {
                    RadiusTestClient.Sent sent = nas.sendPap("mfa-demo", "mfa-demo-password", DEMO_SECRET,
                            DEMO_SECRET);
                    nas.receive(sent, 1000);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return tail.isDone();
            });
        }
        String tailed = tail.get(5, TimeUnit.SECONDS);
        assertTrue(tailed, tailed.contains("'mfa-demo' REJECT MFA_UNAVAILABLE"));
        String stats = shellAs("viewer", "", "radmfa:stats -v");
        assertTrue(stats, stats.contains("p99 ms") && stats.contains("MFA_UNAVAILABLE="));
        String row = shellAs("viewer", "", "radmfa:stats --no-format").lines()
                .filter(l -> l.startsWith("localhost-demo")).findFirst().orElseThrow();
        // Client Secret LastGood Requests Accepts Rejects Challenges Retransmits BadSecret BadPassword Dropped p50 ..
        String[] columns = row.trim().split("\\s+");
        assertEquals(row, 15, columns.length);
        long p50 = Long.parseLong(columns[11]);
        long max = Long.parseLong(columns[14]);
        assertTrue(row, p50 >= 0 && max >= p50);
        String mfa = shellAs("viewer", "", "radmfa:mfa --no-format");
        assertTrue(mfa, mfa.contains("NO CONNECTOR"));
    }

    private static Path etc() {
        return Path.of(System.getProperty("karaf.etc"));
    }


    /**
     * Runs a command as a shell user with one role, in a console session (without a terminal of ours Karaf gives it
     * a dumb one over the streams, so that the masked prompt reads {@code input}), the way Karaf's own tests run commands as a role: the session is created and the command
     * executed inside {@code Subject.doAs}, where the command ACLs look for the roles. Errors are returned as text.
     */
    private String shellAs(String role, String input, String command) throws Exception {
        Subject subject = new Subject();
        List<Principal> principals = List.of(new UserPrincipal("itest-" + role), new RolePrincipal(role));
        subject.getPrincipals().addAll(principals);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrivilegedExceptionAction<Void> run = () -> {
            Session session = sessionFactory.create(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                    print, print, null, StandardCharsets.UTF_8.name(), null);
            try {
                Object result = session.execute(command);
                if (result != null) {
                    print.println(result);
                }
            } catch (Exception e) {
                print.println("ERROR " + e.getClass().getSimpleName() + ": " + e.getMessage());
            } finally {
                session.close();
            }
            return null;
        };
        Subject.doAs(subject, run);
        return out.toString(StandardCharsets.UTF_8);
    }
}
