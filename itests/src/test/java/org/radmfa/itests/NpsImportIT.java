package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Black-box: the built appliance imports an NPS export (bundles/nps-import's Version 257 fixture) with
 * {@code radmfa:nps-import}, and radclient then proves on the wire that an imported client's secret works, that the
 * imported policies' order, conditions and reply attributes hold, and that a policy imported disabled for an
 * unresolved group SID does not match, until a group map resolves it. The export's remote RADIUS server group is
 * pointed at a FreeRADIUS the test starts on loopback: a request matching the forwarding connection request policy
 * is forwarded to it (its Called-Station-Id rewritten by the policy's attribute manipulation) and answered, and its
 * accounting follows.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class NpsImportIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(60);
    private static final String SID = "S-1-5-21-1004336348-1177238915-682003330-";
    /** The fixture's client "Lab gateway": 127.0.0.4, Message-Authenticator required. */
    private static final String GATEWAY = "127.0.0.4";
    private static final String GATEWAY_SECRET = "lab-gw-secret-4";

    /** The fixture's server group "Partner RADIUS": its secret, as FreeRADIUS must have it for the appliance. */
    private static final String PARTNER_SECRET = "partner-forwarding-secret";

    private static RunningAppliance appliance;
    private static FreeRadius partner;
    private static Path export;
    private static Path groupMap;

    @BeforeClass
    public static void startAppliance() throws Exception {
        assertTrue("radclient not found: install freeradius-utils", Commands.onPath("radclient"));
        Path itestDir = Files.createDirectories(Paths.get(System.getProperty("radmfa.itest.dir")));
        appliance = new RunningAppliance(Paths.get(System.getProperty("radmfa.assembly.dir")).toRealPath(), itestDir,
                "nps-import", List.of());
        Path nps = Files.createDirectories(appliance.home.resolve("nps"));
        export = nps.resolve("nps.xml");
        assertTrue("freeradius not found: install freeradius", FreeRadius.installed());
        partner = new FreeRadius(itestDir, "nps-partner", PARTNER_SECRET, List.of(
                "\"alice@partner.example\" Cleartext-Password := \"partner-password\"",
                "\tReply-Message := \"partner says hello to %{Called-Station-Id}\"")).start();
        int unused = FreePorts.udp(1)[0];
        // The export's two servers, on loopback: the first is the FreeRADIUS above, the second (priority 2) a port
        // nobody listens on, so that no request ever leaves the machine.
        String text = Files.readString(Paths.get("..", "bundles", "nps-import", "src", "test", "resources", "nps",
                "nps-export-v257.xml"), StandardCharsets.UTF_8);
        text = pointServer(text, "radius1_partner_example", partner.authPort, partner.acctPort);
        text = pointServer(text, "radius2_partner_example", unused, unused);
        Files.writeString(export, text, StandardCharsets.UTF_8);
        groupMap = nps.resolve("groups.txt");
        Files.writeString(groupMap, "# the VPN group of the export\n" + SID + "1105 = vpn-users\n",
                StandardCharsets.UTF_8);
        appliance.start(START_TIMEOUT);
        Await.until("the demo client answered", START_TIMEOUT, () -> {
            if (!appliance.running()) {
                throw new AssertionError("Karaf stopped:\n" + appliance.logTail(40));
            }
            return "Access-Accept".equals(received(radclient("127.0.0.1", "testing123",
                    "User-Name = demo\nUser-Password = demo-password\n")));
        });
        java.util.concurrent.atomic.AtomicReference<Commands.Result> last = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            Await.until("radmfa:nps-import available", START_TIMEOUT, () -> {
                last.set(shellResult("radmfa:nps-import --help"));
                return last.get().exitCode == 0 && last.get().output.contains("dry-run");
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last answer: " + last.get(), e);
        }
    }

    @AfterClass
    public static void stopAppliance() throws Exception {
        if (appliance != null) {
            appliance.close();
        }
        if (partner != null) {
            partner.close();
        }
    }

    /** The export with one remote server's Address on 127.0.0.1 and its ports replaced. */
    private static String pointServer(String export, String element, int authPort, int acctPort) {
        int start = export.indexOf("<" + element + " ");
        int end = export.indexOf("</" + element + ">", start);
        assertTrue(element + " in the fixture", start >= 0 && end > start);
        String server = export.substring(start, end)
                .replaceFirst("(<Address [^>]*>)[^<]*<", "$1127.0.0.1<")
                .replaceFirst("(<Authentication_Port [^>]*>)[^<]*<", "$1" + authPort + "<")
                .replaceFirst("(<Accounting_Port [^>]*>)[^<]*<", "$1" + acctPort + "<");
        return export.substring(0, start) + server + export.substring(end);
    }

    @Test
    public void test1_aDryRunReportsAndWritesNothing() throws Exception {
        String report = appliance.shell("radmfa:nps-import --dry-run -g " + groupMap + " " + export);
        assertTrue(report, report.contains("DRY RUN: nothing was written"));
        assertTrue(report, report.contains("imported: 'Lab gateway'"));
        assertTrue(report, report.contains("imported DISABLED: 'Contractors'"));
        assertFalse(report, report.contains(GATEWAY_SECRET));
        assertFalse(Files.exists(appliance.home.resolve("etc/org.radmfa.client-lab-gateway.cfg")));
        assertFalse(Files.exists(export.resolveSibling("nps.xml.import-report.txt")));
        assertEquals("the imported client does not exist yet: no answer", null, received(radclient(GATEWAY,
                GATEWAY_SECRET, vpnLogin("demo", "demo-password", null))));
    }

    @Test
    public void test2_importedClientAndPoliciesDecideOnTheWire() throws Exception {
        String report = appliance.shell("radmfa:nps-import -g " + groupMap + " " + export);
        assertTrue(report, report.contains("imported: 'VPN users'"));
        assertTrue(Files.readString(export.resolveSibling("nps.xml.import-report.txt")).contains("Totals:"));
        Path clientFile = appliance.home.resolve("etc/org.radmfa.client-lab-gateway.cfg");
        String client = Files.readString(clientFile);
        assertTrue(client, client.contains("secret = {aes-gcm}"));
        assertFalse(client, client.contains(GATEWAY_SECRET));

        // The imported secret works, and policy "VPN users" (order 2) grants with its reply attributes.
        Await.until("an Access-Accept for demo through the imported client", APPLY_TIMEOUT,
                () -> "Access-Accept".equals(received(radclient(GATEWAY, GATEWAY_SECRET,
                        vpnLogin("demo", "demo-password", null)))));
        String accept = radclient(GATEWAY, GATEWAY_SECRET, vpnLogin("demo", "demo-password", null)).output;
        assertTrue(accept, accept.contains("Class = 0x6e70732d76706e") || accept.contains("Class = \"nps-vpn\""));
        assertTrue(accept, accept.contains("Session-Timeout = 28800"));
        assertTrue(accept, accept.contains("Service-Type = Framed-User"));
        // Repeated profile values (two Filter-Ids, two Classes): every value arrives, in the export's order.
        int in = accept.indexOf("Filter-Id = \"vpn-acl-in\"");
        int out = accept.indexOf("Filter-Id = \"vpn-acl-out\"");
        assertTrue(accept, in >= 0 && out > in);
        int firstClass = Math.max(accept.indexOf("Class = 0x6e70732d76706e\n"), accept.indexOf("Class = \"nps-vpn\""));
        int secondClass = Math.max(accept.indexOf("Class = 0x6e70732d76706e2d6175646974"),
                accept.indexOf("Class = \"nps-vpn-audit\""));
        assertTrue(accept, firstClass >= 0 && secondClass > firstClass);

        // Order: "Deny kiosk stations" (order 1) decides before "VPN users".
        assertEquals("Access-Reject", received(radclient(GATEWAY, GATEWAY_SECRET,
                vpnLogin("demo", "demo-password", "kiosk-7"))));
        // Conditions: not Virtual, so "VPN users" does not match; "Connections to other access servers" denies.
        assertEquals("Access-Reject", received(radclient(GATEWAY, GATEWAY_SECRET,
                "User-Name = demo\nUser-Password = demo-password\nNAS-Port-Type = Ethernet\n")));
        // Another secret: the request is dropped.
        assertEquals(null, received(radclient(GATEWAY, "not-the-secret", vpnLogin("demo", "demo-password", null))));
        // "Contractors" grants the group of SID ...1107, which the group map does not resolve: imported disabled.
        String contractors = Files.readString(appliance.home.resolve("etc/org.radmfa.policy-contractors.cfg"));
        assertTrue(contractors, contractors.contains("enabled = false"));
        assertTrue(contractors, contractors.contains(SID + "1107"));
        assertEquals("Access-Reject", received(radclient(GATEWAY, GATEWAY_SECRET,
                vpnLogin("mfa-demo", "mfa-demo-password", null))));
    }

    /**
     * The forwarding connection request policy became active with its server group: a request for the partner
     * realm is forwarded to the FreeRADIUS the group's first server points at, with its Called-Station-Id rewritten
     * by the policy's attribute manipulation, and answered; its Accounting-Request follows (msAcctProviderType 2).
     */
    @Test
    public void test2b_theForwardingPolicyForwardsToItsImportedServerGroup() throws Exception {
        Path serverFile = appliance.home.resolve(
                "etc/org.radmfa.proxy.server-partner-radius-radius1.partner.example.cfg");
        Await.until("the imported remote server's file", APPLY_TIMEOUT, () -> Files.exists(serverFile));
        String server = Files.readString(serverFile);
        assertTrue(server, server.contains("secret = {aes-gcm}")
                && server.contains("authPort = " + partner.authPort));
        assertFalse(server, server.contains(PARTNER_SECRET));
        String login = "User-Name = alice@partner.example\nUser-Password = partner-password\n"
                + "Called-Station-Id = 00-11-22-33-44-55:guest\n";
        java.util.concurrent.atomic.AtomicReference<Commands.Result> last =
                new java.util.concurrent.atomic.AtomicReference<>();
        // FreeRADIUS answers a reject after its reject_delay (1 s): radclient waits longer than for the appliance.
        Await.until("an Access-Accept from the partner's FreeRADIUS", APPLY_TIMEOUT, () -> {
            last.set(radclient(GATEWAY, GATEWAY_SECRET, login, 10));
            return "Access-Accept".equals(received(last.get()));
        });
        assertTrue(last.get().output, last.get().output.contains(
                "partner says hello to 00-11-22-33-44-55:partner"));
        assertEquals("the remote server decides", "Access-Reject", received(radclient(GATEWAY, GATEWAY_SECRET,
                "User-Name = alice@partner.example\nUser-Password = not-her-password\n", 10)));
        String servers = appliance.shell("radmfa:proxy-groups --no-format");
        assertTrue(servers, servers.contains("radius1.partner.example") && servers.contains("Partner RADIUS"));

        Commands.Result accounting = Commands.run(appliance.home, java.util.Map.of(), "Packet-Src-IP-Address = "
                + GATEWAY + "\nUser-Name = alice@partner.example\nAcct-Status-Type = Start\n"
                + "Acct-Session-Id = nps-import-it-42\n", Duration.ofSeconds(20), List.of("radclient", "-x", "-r",
                        "1", "-t", "5", "127.0.0.1:" + appliance.acctPort, "acct", GATEWAY_SECRET));
        assertTrue(accounting.toString(), accounting.output.contains("Accounting-Response"));
        Await.until("the accounting record in the partner's detail file", APPLY_TIMEOUT, () -> {
            try (java.util.stream.Stream<Path> files = Files.walk(partner.dir.resolve("radacct"))) {
                return files.filter(Files::isRegularFile).anyMatch(file -> {
                    try {
                        return Files.readString(file, StandardCharsets.UTF_8).contains("nps-import-it-42");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Test
    public void test3_theSameFileAgainChangesNothing() throws Exception {
        long before = Files.getLastModifiedTime(appliance.home.resolve("etc/org.radmfa.client-lab-gateway.cfg"))
                .toMillis();
        String report = appliance.shell("radmfa:nps-import -g " + groupMap + " " + export);
        assertTrue(report, report.contains("unchanged (already as in the export): 'Lab gateway'"));
        assertTrue(report, report.contains("unchanged (already as in the export): 'Partner RADIUS /"
                + " radius1.partner.example'"));
        assertFalse(report, report.contains("\n  imported: '"));
        assertEquals(before, Files.getLastModifiedTime(appliance.home.resolve(
                "etc/org.radmfa.client-lab-gateway.cfg")).toMillis());
    }

    @Test
    public void test4_resolvingTheSidEnablesThePolicy() throws Exception {
        Files.writeString(groupMap, SID + "1107 = mfa-users\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        String report = appliance.shell("radmfa:nps-import -g " + groupMap + " " + export);
        assertTrue(report, report.contains("imported: 'Contractors'"));
        Await.until("mfa-demo granted by the enabled 'Contractors'", APPLY_TIMEOUT,
                () -> "Access-Accept".equals(received(radclient(GATEWAY, GATEWAY_SECRET,
                        vpnLogin("mfa-demo", "mfa-demo-password", null)))));
        String accept = radclient(GATEWAY, GATEWAY_SECRET, vpnLogin("mfa-demo", "mfa-demo-password", null)).output;
        assertTrue(accept, accept.contains("Session-Timeout = 3600"));
    }

    @Test
    public void test5_aHostileFileIsRefusedWholeAndChangesNothing() throws Exception {
        Path hostile = export.resolveSibling("hostile.xml");
        Files.copy(Paths.get("..", "bundles", "nps-import", "src", "test", "resources", "nps",
                "hostile-entity-expansion.xml"), hostile);
        Commands.Result result = shellResult("radmfa:nps-import " + hostile);
        assertTrue(result.toString(), result.output.contains("Refused " + hostile + ", nothing was written"));
        assertTrue(result.toString(), result.output.contains("document type declaration (DTD) is refused"));
        assertFalse("the hostile file's client 'gw' was not written",
                Files.exists(appliance.home.resolve("etc/org.radmfa.client-gw.cfg")));
        assertFalse(Files.exists(hostile.resolveSibling("hostile.xml.import-report.txt")));
        // The imported configuration keeps serving.
        assertEquals("Access-Accept", received(radclient(GATEWAY, GATEWAY_SECRET,
                vpnLogin("demo", "demo-password", null))));
    }

    /** The web console page's upload does what the command does: the same report, the same refusals. */
    @Test
    public void test6_theWebConsoleUploadImportsTheSameWay() throws Exception {
        java.net.http.HttpClient session = java.net.http.HttpClient.newBuilder()
                .cookieHandler(new java.net.CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
        String console = "http://127.0.0.1:" + appliance.httpPort + "/system/console/radmfa";
        java.util.concurrent.atomic.AtomicReference<String> page = new java.util.concurrent.atomic.AtomicReference<>();
        Await.until("the console page with the NPS import form", APPLY_TIMEOUT, () -> {
            java.net.http.HttpResponse<String> response = http(session, java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(console)).GET());
            page.set(response.body());
            return response.statusCode() == 200 && response.body().contains("id='radmfa-nps-form'");
        });
        Matcher token = Pattern.compile("data-csrf='([^']+)'").matcher(page.get());
        assertTrue(page.get(), token.find());
        String url = console + "/nps-import?name=nps.xml&dryRun=true&groupMap="
                + java.net.URLEncoder.encode(Files.readString(groupMap), StandardCharsets.UTF_8);

        java.net.http.HttpResponse<String> withoutToken = http(session, java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url)).POST(java.net.http.HttpRequest.BodyPublishers.ofFile(export)));
        assertEquals(withoutToken.body(), 403, withoutToken.statusCode());

        java.net.http.HttpResponse<String> dryRun = http(session, java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url)).header("X-Radmfa-Csrf", token.group(1))
                .header("Content-Type", "application/xml")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofFile(export)));
        assertEquals(dryRun.body(), 200, dryRun.statusCode());
        assertTrue(dryRun.body(), dryRun.body().contains("NPS import report for upload 'nps.xml' (export version 257)"
                + " -- DRY RUN"));
        assertTrue(dryRun.body(), dryRun.body().contains("unchanged (already as in the export): 'Contractors'"));

        java.net.http.HttpResponse<String> hostile = http(session, java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url)).header("X-Radmfa-Csrf", token.group(1))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofFile(export.resolveSibling("hostile.xml"))));
        assertEquals(hostile.body(), 422, hostile.statusCode());
        assertTrue(hostile.body(), hostile.body().contains("document type declaration (DTD) is refused"));
    }

    private static java.net.http.HttpResponse<String> http(java.net.http.HttpClient client,
            java.net.http.HttpRequest.Builder request) {
        String basic = java.util.Base64.getEncoder().encodeToString(("admin:" + appliance.adminPassword)
                .getBytes(StandardCharsets.UTF_8));
        try {
            return client.send(request.timeout(Duration.ofSeconds(60)).header("Authorization", "Basic " + basic)
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String vpnLogin(String user, String password, String station) {
        return "User-Name = " + user + "\nUser-Password = " + password + "\nNAS-Port-Type = Virtual\n"
                + (station == null ? "" : "Calling-Station-Id = " + station + "\n");
    }

    /** radclient from a loopback source address; Message-Authenticator made with the secret given. */
    private static Commands.Result radclient(String source, String secret, String attributes) {
        return radclient(source, secret, attributes, 2);
    }

    private static Commands.Result radclient(String source, String secret, String attributes, int timeoutSeconds) {
        return Commands.run(appliance.home, java.util.Map.of(), "Packet-Src-IP-Address = " + source + "\n"
                + attributes + "Message-Authenticator = 0x00\n", Duration.ofSeconds(20 + timeoutSeconds),
                List.of("radclient", "-x", "-r", "1", "-t", String.valueOf(timeoutSeconds),
                        "127.0.0.1:" + appliance.authPort, "auth", secret));
    }

    /** The code of the reply radclient received, or null for none. */
    private static String received(Commands.Result result) {
        Matcher received = Pattern.compile("Received (Access-[A-Za-z]+)").matcher(result.output);
        return received.find() ? received.group(1) : null;
    }

    private static Commands.Result shellResult(String command) {
        return Commands.run(appliance.home, java.util.Map.of("JAVA_HOME", System.getProperty("java.home")),
                command + "\n", Duration.ofSeconds(90), List.of(appliance.home.resolve("bin/client").toString(), "-u",
                        "admin", "-p", appliance.adminPassword, "-a", String.valueOf(appliance.sshPort), "-h",
                        "127.0.0.1", "-r", "30", "-d", "1", "-b"));
    }
}
