package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.DataInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.radmfa.api.RemoteServerGroups;
import org.radmfa.api.RemoteServerStatus;
import org.radmfa.api.config.TlsFiles;

/**
 * RadSec (RADIUS over TLS, RFC 6614) in both directions against Debian's FreeRADIUS 3.2 with certificates the test
 * makes with openssl: radclient → FreeRADIUS (UDP) → RadSec → radmfa, for authentication and accounting; radmfa
 * → RadSec → FreeRADIUS's TLS listener, with the connection made again after FreeRADIUS was stopped and started
 * and the accounting sent meanwhile spooled and replayed;
 * handshakes with a certificate of another CA or an expired one refused with a log line and counted; 500 TCP
 * connections that never send a ClientHello neither take threads nor keep a real client from being answered.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RadSecIT extends RadmfaTestSupport {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String FREERADIUS_SECRET = "site-b-secret";

    private final List<Configuration> created = new ArrayList<>();

    /** The PKI and the appliance's RadSec listener on a free port, with two clients: FreeRADIUS and this test. */
    private final class Setup implements AutoCloseable {
        final Path work = Files.createTempDirectory("radmfa-radsec-it-");
        final TestCertificates pki = new TestCertificates(work, "radsec-test-ca");
        final int port = FreePorts.tcp(1)[0];

        Setup() throws Exception {
            pki.issue("radmfa.test", false);
            pki.issue("freeradius.test", false);
            pki.issue("probe.test", false);
            configure("org.radmfa.radsec", Map.of("port", String.valueOf(port), "listenAddress", "127.0.0.1",
                    "certificate", pki.certificate("radmfa.test").toString(), "privateKey",
                    pki.key("radmfa.test").toString(), "trustedCa", pki.caCertificate().toString(),
                    "handshakeTimeoutSeconds", "3"));
            radsecClient("freeradius-site-b", "freeradius.test");
            radsecClient("itest-probe", "probe.test");
            Await.until("RadSec listening on " + port, TIMEOUT, () -> radsec().contains("127.0.0.1:" + port));
        }

        @Override
        public void close() throws Exception {
            for (Configuration configuration : created) {
                configuration.delete();
            }
            created.clear();
            Configuration[] listener = configurationAdmin.listConfigurations("(service.pid=org.radmfa.radsec)");
            if (listener != null) {
                listener[0].delete();
            }
            RunningAppliance.deleteTree(work);
        }
    }

    private void radsecClient(String name, String certificateName) throws Exception {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("name", name);
        properties.put("certificateName", certificateName);
        properties.put("address", "127.0.0.0/8");
        Configuration configuration = configurationAdmin.getFactoryConfiguration("org.radmfa.radsec.client", name,
                "?");
        configuration.update(properties);
        created.add(configuration);
    }

    private String radsec() {
        try {
            return shell("radmfa:radsec --no-format");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long counter(String name) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s+(\\d+)").matcher(radsec());
        return value.find() ? Long.parseLong(value.group(1)) : -1;
    }

    private static String karafLog() throws Exception {
        return Files.readString(Path.of(System.getProperty("karaf.data"), "log", "karaf.log"),
                StandardCharsets.UTF_8);
    }

    /** FreeRADIUS's TLS block for a RadSec listener or home server with this certificate. */
    private static String tls(TestCertificates pki, String name, String extra) {
        return "\ttls {\n\t\tprivate_key_file = " + pki.key(name) + "\n\t\tcertificate_file = "
                + pki.certificate(name) + "\n\t\tca_file = " + pki.caCertificate() + "\n\t\tfragment_size = 8192\n"
                + "\t\tcipher_list = \"DEFAULT\"\n\t\ttls_min_version = \"1.2\"\n" + extra + "\t}\n";
    }

    @Test
    public void freeRadiusForwardsOverRadSecToTheAppliance() throws Exception {
        try (Setup setup = new Setup();
                FreeRadius siteB = new FreeRadius(setup.work, "radsec-client", FREERADIUS_SECRET,
                        List.of("DEFAULT Proxy-To-Realm := \"radmfa\""))) {
            Files.writeString(siteB.dir.resolve("proxy.conf"), "proxy server {\n\tdefault_fallback = no\n}\n"
                    + "home_server radmfa {\n\tipaddr = 127.0.0.1\n\tport = " + setup.port + "\n\ttype = auth+acct\n"
                    + "\tproto = tcp\n\tsecret = radsec\n\tstatus_check = none\n\tresponse_window = 20\n"
                    + tls(setup.pki, "freeradius.test", "") + "}\nhome_server_pool radmfa {\n\ttype = fail-over\n"
                    + "\thome_server = radmfa\n}\nrealm radmfa {\n\tauth_pool = radmfa\n\tacct_pool = radmfa\n"
                    + "\tnostrip\n}\nrealm LOCAL {\n}\n");
            Path accounting = siteB.dir.resolve("mods-config/files/accounting");
            Files.writeString(accounting, "DEFAULT Proxy-To-Realm := \"radmfa\"\n\n" + Files.readString(accounting));
            siteB.start();

            Commands.Result accept = radclient(setup.work, siteB.authPort, "auth",
                    "User-Name = demo\nUser-Password = demo-password\n");
            assertTrue(accept.toString(), accept.output.contains("Received Access-Accept"));
            Commands.Result reject = radclient(setup.work, siteB.authPort, "auth",
                    "User-Name = demo\nUser-Password = wrong-password\n");
            assertTrue(reject.toString(), reject.output.contains("Received Access-Reject"));
            Commands.Result accounted = radclient(setup.work, siteB.acctPort, "acct", "User-Name = demo\n"
                    + "Acct-Status-Type = Start\nAcct-Session-Id = radsec-it-1\nNAS-IP-Address = 127.0.0.1\n");
            assertTrue(accounted.toString(), accounted.output.contains("Received Accounting-Response"));

            String decisions = shell("radmfa:decisions --no-format -n 5");
            assertTrue(decisions, decisions.contains("freeradius-site-b"));
            assertTrue(radsec(), counter("packets received") >= 3 && counter("answers sent") >= 3);
        }
    }

    private static Commands.Result radclient(Path work, int port, String kind, String attributes) {
        return Commands.run(work, Map.of(), attributes, Duration.ofSeconds(90), List.of("radclient", "-r", "3",
                "-t", "20", "127.0.0.1:" + port, kind, FREERADIUS_SECRET));
    }

    @Test
    public void aCertificateOfAnotherCaAndAnExpiredOneAreRefusedWithALogLine() throws Exception {
        try (Setup setup = new Setup()) {
            TestCertificates other = new TestCertificates(setup.work, "another-ca");
            other.issue("freeradius.test-elsewhere", false);
            setup.pki.issue("expired.test", true);
            long before = counter("handshake failures");
            // openssl s_client presents its certificate whatever CAs the server names, as FreeRADIUS does.
            for (String[] client : List.of(new String[] {"freeradius.test-elsewhere", "another"},
                    new String[] {"expired.test", "expired"})) {
                TestCertificates issuer = client[1].equals("another") ? other : setup.pki;
                Commands.run(setup.work, Map.of(), "", Duration.ofSeconds(30), List.of("openssl", "s_client",
                        "-connect", "127.0.0.1:" + setup.port, "-cert", issuer.certificate(client[0]).toString(),
                        "-key", issuer.key(client[0]).toString(), "-CAfile", setup.pki.caCertificate().toString(),
                        "-tls1_2"));
            }
            Await.until("two refused handshakes counted", TIMEOUT, () -> counter("handshake failures") == before + 2);
            String log = karafLog();
            assertTrue("a log line for the certificate of another CA", Pattern.compile("RadSec TLS handshake with"
                    + " [^\\n]*failed: [^\\n]*(PKIX path building failed|unable to find valid certification path)")
                    .matcher(log).find());
            assertTrue("a log line for the expired certificate", Pattern.compile("RadSec TLS handshake with"
                    + " [^\\n]*failed: [^\\n]*validity check failed").matcher(log).find());
            assertEquals("nothing reached the RADIUS server", 0, counter("packets received"));
        }
    }

    /**
     * The key password's key starts with a dot, a private component property (DS): the listener's service, which
     * service:list and the web console show, carries the rest of its configuration but never the password.
     */
    @Test
    public void theKeyPasswordIsNoServiceProperty() throws Exception {
        try (Setup setup = new Setup()) {
            String password = "RadSec-Key-Password-" + System.nanoTime();
            configure("org.radmfa.radsec", Map.of(".password", password, "idleTimeoutSeconds", "601"));
            String filter = "(&(service.pid=org.radmfa.radsec)(idleTimeoutSeconds=601))";
            Await.until("the listener's service shows the changed configuration", TIMEOUT,
                    () -> listenerServices(filter).length == 1);
            org.osgi.framework.ServiceReference<?> listener = listenerServices(filter)[0];
            assertEquals("127.0.0.1", listener.getProperty("listenAddress"));
            for (String key : listener.getPropertyKeys()) {
                assertTrue("no password among the service properties: " + key,
                        !key.toLowerCase(java.util.Locale.ROOT).contains("password"));
                assertTrue("no service property holds the password: " + key,
                        !String.valueOf(listener.getProperty(key)).contains(password));
            }
            Object configured = configurationAdmin.getConfiguration("org.radmfa.radsec", "?").getProperties()
                    .get(".password");
            assertNotNull("the configuration itself keeps it (sealed once a vault runs)", configured);
        }
    }

    private org.osgi.framework.ServiceReference<?>[] listenerServices(String filter) {
        try {
            org.osgi.framework.ServiceReference<?>[] found = bundleContext.getAllServiceReferences(null, filter);
            return found == null ? new org.osgi.framework.ServiceReference<?>[0] : found;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    public void halfOpenConnectionsDoNotKeepARealClientOut() throws Exception {
        try (Setup setup = new Setup()) {
            System.gc();
            Runtime runtime = Runtime.getRuntime();
            long heapBefore = runtime.totalMemory() - runtime.freeMemory();
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            int threadsBefore = threads.getThreadCount();
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 500; i++) {
                    silent.add(new Socket("127.0.0.1", setup.port));
                }
                Await.until("500 connections accepted", TIMEOUT, () -> counter("connections accepted") >= 500);
                int threadsDuring = threads.getThreadCount();
                long heapDuring = runtime.totalMemory() - runtime.freeMemory();
                System.out.println("RadSecIT: 500 half-open TLS connections: JVM threads " + threadsBefore + " -> "
                        + threadsDuring + ", heap used " + heapBefore / 1024 + " KiB -> " + heapDuring / 1024
                        + " KiB");
                assertTrue("no thread per connection: " + threadsBefore + " -> " + threadsDuring,
                        threadsDuring <= threadsBefore + 20);

                SSLContext context = TlsFiles.context(setup.pki.certificate("probe.test"),
                        setup.pki.key("probe.test"), "", setup.pki.caCertificate());
                try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", setup.port);
                        RadiusTestClient builder = new RadiusTestClient("127.0.0.1", FreePorts.udp(1)[0])) {
                    socket.setSoTimeout(30_000);
                    // The packet as a NAS makes it, signed with RadSec's secret; sent over TLS, not UDP.
                    RadiusTestClient.Sent sent = builder.sendPap(DEMO_USER, DEMO_PASSWORD, "radsec", "radsec");
                    socket.getOutputStream().write(sent.packet());
                    DataInputStream in = new DataInputStream(socket.getInputStream());
                    byte[] header = new byte[4];
                    in.readFully(header);
                    assertEquals("Access-Accept while 500 connections never said ClientHello", 2, header[0]);
                    assertEquals(sent.id(), header[1] & 0xFF);
                }
                Await.until("the half-open connections closed after the handshake timeout", TIMEOUT,
                        () -> counter("handshake timeouts") >= 500);
                assertNotNull(radsec());
            } finally {
                for (Socket socket : silent) {
                    socket.close();
                }
            }
        }
    }

    @Test
    public void theApplianceForwardsOverRadSecToFreeRadiusAndReconnects() throws Exception {
        try (Setup setup = new Setup();
                FreeRadius siteC = new FreeRadius(setup.work, "radsec-server", "unused-udp-secret",
                        List.of("alice Cleartext-Password := \"alice-password\"",
                                "\tReply-Message := \"Hello over RadSec\""));
                RadiusTestClient nas = new RadiusTestClient("127.0.0.1", authPort())) {
            int tlsPort = FreePorts.tcp(1)[0];
            Files.writeString(siteC.dir.resolve("sites-enabled/radsec"), "listen {\n\tipaddr = 127.0.0.1\n\tport = "
                    + tlsPort + "\n\ttype = auth+acct\n\tproto = tcp\n\tvirtual_server = default\n\tclients = radsec\n"
                    + tls(setup.pki, "freeradius.test", "\t\trequire_client_cert = yes\n") + "}\n"
                    + "clients radsec {\n\tclient appliance {\n\t\tipaddr = 127.0.0.1\n\t\tproto = tls\n"
                    + "\t\tsecret = radsec\n\t}\n}\n");
            siteC.start();

            Dictionary<String, Object> server = new Hashtable<>();
            server.put("name", "site-c");
            server.put("group", "gc");
            server.put("address", "127.0.0.1");
            server.put("authPort", String.valueOf(tlsPort));
            server.put("transport", "radsec");
            server.put("tls.certificate", setup.pki.certificate("radmfa.test").toString());
            server.put("tls.privateKey", setup.pki.key("radmfa.test").toString());
            server.put("tls.trustedCa", setup.pki.caCertificate().toString());
            server.put("timeoutSeconds", "3");
            server.put("maxLostRequests", "1");
            server.put("blackoutSeconds", "1");
            Configuration remote = configurationAdmin.getFactoryConfiguration("org.radmfa.proxy.server", "gcsite-c",
                    "?");
            remote.update(server);
            created.add(remote);
            Dictionary<String, Object> policy = new Hashtable<>();
            policy.put("name", "Realm c.example");
            policy.put("order", "10");
            policy.put("action", "forward");
            policy.put("serverGroup", "gc");
            policy.put("condition.userName", "@c\\.example$");
            policy.put("rewrite.pattern", "@[^@]+$");
            policy.put("rewrite.replacement", "");
            Configuration crp = configurationAdmin.getFactoryConfiguration("org.radmfa.crp", "radsec-c", "?");
            crp.update(policy);
            created.add(crp);

            RadiusTestClient.Response accepted = login(nas, "alice@c.example", "alice-password");
            assertEquals("Hello over RadSec", new String(accepted.attribute(18), StandardCharsets.UTF_8));
            Commands.Result accounting = Commands.run(setup.work, Map.of(), "User-Name = alice@c.example\n"
                    + "Acct-Status-Type = Start\nAcct-Session-Id = radsec-it-4712\nNAS-IP-Address = 127.0.0.1\n",
                    Duration.ofSeconds(60), List.of("radclient", "-r", "3", "-t", "10", "127.0.0.1:" + acctPort(),
                            "acct", DEMO_SECRET));
            assertTrue(accounting.toString(), accounting.output.contains("Received Accounting-Response"));
            Await.until("the accounting record in FreeRADIUS's detail file", TIMEOUT,
                    () -> detailContains(siteC.dir.resolve("radacct"), "radsec-it-4712"));

            // FreeRADIUS goes away: the connection ends, the server goes down; once it is back the connection is
            // made again (back-off) and Status-Server over it brings the server back into service.
            siteC.stop();
            Await.until("site-c down", TIMEOUT, () -> {
                try {
                    nas.receive(nas.sendPap("alice@c.example", "alice-password", DEMO_SECRET, DEMO_SECRET), 5000);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                RemoteServerStatus status = status("gc", "site-c");
                return status != null && !status.up();
            });
            // Accounting meanwhile is answered (the local file sink has it) and spooled for the group.
            Commands.Result whileDown = Commands.run(setup.work, Map.of(), "User-Name = alice@c.example\n"
                    + "Acct-Status-Type = Stop\nAcct-Session-Id = radsec-it-spooled\nNAS-IP-Address = 127.0.0.1\n",
                    Duration.ofSeconds(60), List.of("radclient", "-r", "3", "-t", "10", "127.0.0.1:" + acctPort(),
                            "acct", DEMO_SECRET));
            assertTrue(whileDown.toString(), whileDown.output.contains("Received Accounting-Response"));
            // At least this one: FreeRADIUS writes its detail file before it answers, so the Start record may have
            // been stopped between the two and (rightly) spooled as well; the NAS had its answer from the local sink.
            // That it was this record is checked when the spool is replayed, below.
            Await.until("the record spooled, as the shell shows it", TIMEOUT, () -> {
                int spooled = groups().spooledAccounting();
                try {
                    return spooled >= 1 && shell("radmfa:proxy --no-format").contains("Accounting records spooled"
                            + " (no server of their group acknowledged them yet): " + spooled);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            siteC.start();
            Await.until("site-c back in service", TIMEOUT, () -> {
                RemoteServerStatus status = status("gc", "site-c");
                return status != null && status.up();
            });
            Await.until("the spooled record replayed to FreeRADIUS", TIMEOUT,
                    () -> detailContains(siteC.dir.resolve("radacct"), "radsec-it-spooled"));
            Await.until("the spool empty", TIMEOUT, () -> groups().spooledAccounting() == 0);
            assertEquals("Hello over RadSec", new String(login(nas, "alice@c.example", "alice-password")
                    .attribute(18), StandardCharsets.UTF_8));
            assertTrue(karafLog().contains("RadSec connection to remote server 'site-c'"));
        } finally {
            for (Configuration configuration : created) {
                configuration.delete();
            }
            created.clear();
        }
    }

    private RemoteServerGroups groups() {
        org.osgi.framework.ServiceReference<RemoteServerGroups> reference = bundleContext.getServiceReference(
                RemoteServerGroups.class);
        return reference == null ? null : bundleContext.getService(reference);
    }

    private RemoteServerStatus status(String group, String name) {
        RemoteServerGroups groups = groups();
        return groups == null ? null : groups.servers().stream().filter(s -> s.group().equals(group)
                && s.name().equals(name)).findFirst().orElse(null);
    }

    /** A PAP login that must end in an Access-Accept within the timeout (configuration takes a moment to apply). */
    private static RadiusTestClient.Response login(RadiusTestClient nas, String user, String password) {
        RadiusTestClient.Response[] answer = new RadiusTestClient.Response[1];
        Await.until(user + " accepted", TIMEOUT, () -> {
            try {
                RadiusTestClient.Sent sent = nas.sendPap(user, password, DEMO_SECRET, DEMO_SECRET);
                answer[0] = nas.receive(sent, 5000);
                return answer[0] != null && answer[0].code() == RadiusTestClient.ACCESS_ACCEPT;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return answer[0];
    }

    private static boolean detailContains(Path radacct, String text) {
        try (java.util.stream.Stream<Path> files = Files.walk(radacct)) {
            return files.filter(Files::isRegularFile).anyMatch(file -> {
                try {
                    return Files.readString(file, StandardCharsets.UTF_8).contains(text);
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
