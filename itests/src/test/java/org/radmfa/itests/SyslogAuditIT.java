package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Audit to a SIEM, against Debian's rsyslog: one rsyslogd, started here on loopback ports, receives over TLS
 * (imtcp with the gtls driver, RFC 5425, asking for a client certificate signed by the test CA) and over plain TCP
 * (imptcp), and writes each message's MSGID, structured data and text to a file per input. The built assembly sends
 * to both. Then rsyslogd is stopped: logins are still answered, the small buffer overflows and the drops are counted
 * in /metrics and radmfa:health; rsyslogd started again receives the next decisions.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class SyslogAuditIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String SECRET = "testing123";
    private static final String PASSWORD = "demo-password";
    /** Small, so that a short outage overflows it. */
    private static final int BUFFER = 5;

    private static Path dir;
    private static int tlsPort;
    private static int plainPort;
    private static Process rsyslogd;
    private static RunningAppliance appliance;
    private static HttpClient http;

    /** CA, rsyslog's server certificate (for 127.0.0.1) and the appliance's client certificate; openssl 3. */
    private static final String CERTIFICATES = """
            set -e
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=radmfa test SIEM CA" \\
              -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
            leaf() {
              openssl req -newkey rsa:2048 -nodes -keyout $1.key -out $1.csr -subj "/CN=$2" 2>/dev/null
              printf "subjectAltName=$3\\nextendedKeyUsage=$4\\n" > $1.ext
              openssl x509 -req -in $1.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile $1.ext -out $1.pem 2>/dev/null
            }
            leaf server siem.test "IP:127.0.0.1,DNS:localhost" serverAuth
            leaf client radmfa.test "DNS:radmfa.test" clientAuth
            chmod 600 *.key
            """;

    @BeforeClass
    public static void start() throws Exception {
        for (String command : List.of("rsyslogd", "radtest", "radclient", "openssl")) {
            assertTrue(command + " not found: install rsyslog rsyslog-gnutls freeradius-utils openssl (test.sh)",
                    Commands.onPath(command));
        }
        Path itestDir = Files.createDirectories(Paths.get(System.getProperty("radmfa.itest.dir")));
        dir = Files.createTempDirectory(itestDir, "syslog-");
        Commands.Result certificates = Commands.run(dir, Map.of(), null, Duration.ofSeconds(120),
                List.of("sh", "-c", CERTIFICATES));
        assertEquals(certificates.toString(), 0, certificates.exitCode);
        int[] ports = FreePorts.tcp(2);
        tlsPort = ports[0];
        plainPort = ports[1];
        Files.createDirectories(dir.resolve("work"));
        Files.writeString(dir.resolve("rsyslog.conf"), """
                global(workDirectory="%1$s/work"
                       DefaultNetstreamDriverCAFile="%1$s/ca.pem"
                       DefaultNetstreamDriverCertFile="%1$s/server.pem"
                       DefaultNetstreamDriverKeyFile="%1$s/server.key")
                template(name="sd" type="string" string="%%msgid%% %%structured-data%% %%msg%%\\n")
                ruleset(name="tls") { action(type="omfile" file="%1$s/tls.log" template="sd") }
                ruleset(name="plain") { action(type="omfile" file="%1$s/plain.log" template="sd") }
                module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="x509/certvalid")
                input(type="imtcp" address="127.0.0.1" port="%2$d" ruleset="tls")
                module(load="imptcp")
                input(type="imptcp" address="127.0.0.1" port="%3$d" ruleset="plain")
                """.formatted(dir, tlsPort, plainPort));
        startRsyslog();

        appliance = new RunningAppliance(Paths.get(System.getProperty("radmfa.assembly.dir")).toRealPath(), itestDir,
                "syslog", List.of());
        Path etc = appliance.home.resolve("etc");
        Files.writeString(etc.resolve("org.radmfa.audit.syslog-siem.cfg"), "host = 127.0.0.1\nport = " + tlsPort
                + "\ntls = true\ncaFile = " + dir.resolve("ca.pem") + "\ncertificateFile = " + dir.resolve("client.pem")
                + "\nprivateKeyFile = " + dir.resolve("client.key") + "\nqueueCapacity = " + BUFFER
                + "\nreconnectMaxSeconds = 2\n");
        Files.writeString(etc.resolve("org.radmfa.audit.syslog-plain.cfg"), "host = 127.0.0.1\nport = " + plainPort
                + "\ntls = false\nreconnectMaxSeconds = 2\n");
        appliance.start(START_TIMEOUT);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Await.until("RADIUS answering", START_TIMEOUT, () -> {
            if (!appliance.running()) {
                throw new AssertionError("Karaf stopped:\n" + appliance.logTail(40));
            }
            return radtest("demo", PASSWORD).contains("Received Access-Accept");
        });
        // On this first start FileInstall turns the two files into configurations on its own thread; the sinks
        // (started before the transport) are active once it has.
        Await.until("both syslog sinks configured", START_TIMEOUT,
                () -> appliance.logTail(100_000).contains("Audit syslog 'siem': tls://")
                        && appliance.logTail(100_000).contains("Audit syslog 'plain': tcp://"));
    }

    @AfterClass
    public static void stop() throws Exception {
        try {
            if (appliance != null) {
                appliance.close();
            }
        } finally {
            stopRsyslog();
        }
    }

    private static void startRsyslog() throws IOException {
        rsyslogd = new ProcessBuilder("rsyslogd", "-n", "-f", dir.resolve("rsyslog.conf").toString(), "-i",
                dir.resolve("rsyslogd.pid").toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("rsyslogd.out").toFile())).start();
        Await.until("rsyslogd listening on " + tlsPort + " and " + plainPort, WAIT, () -> {
            if (!rsyslogd.isAlive()) {
                throw new AssertionError("rsyslogd exited: " + read(dir.resolve("rsyslogd.out")));
            }
            return listening(tlsPort) && listening(plainPort);
        });
    }

    private static void stopRsyslog() throws InterruptedException {
        if (rsyslogd != null && rsyslogd.isAlive()) {
            rsyslogd.destroy();
            if (!rsyslogd.waitFor(30, TimeUnit.SECONDS)) {
                rsyslogd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean listening(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String radtest(String user, String password) {
        return appliance.run(null, "radtest", user, password, "127.0.0.1:" + appliance.authPort, "0", SECRET).output;
    }

    private static String metrics() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appliance.httpPort + "/metrics"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static double sample(String page, String series) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(page);
        return value.find() ? Double.parseDouble(value.group(1)) : -1;
    }

    /** The lines of a received file that are decisions (or accounting) for the user. */
    private static List<String> lines(String file, String msgId, String user) {
        List<String> found = new ArrayList<>();
        for (String line : read(dir.resolve(file)).split("\n")) {
            if (line.startsWith(msgId + " [radmfa@32473 ") && line.contains(" user=\"" + user + "\"")) {
                found.add(line);
            }
        }
        return found;
    }

    @Test
    public void test1_decisionsArriveOverTlsAndTcpWithTheirStructuredData() {
        assertTrue(radtest("demo", PASSWORD).contains("Received Access-Accept"));
        assertTrue(radtest("demo", "not-the-password").contains("Received Access-Reject"));
        // Escaping (RFC 5424 section 6.3.3) as rsyslog receives it: '"' and ']' behind a backslash.
        // (radtest cannot carry a '"' in a User-Name: radclient, with its own escaping, can.)
        Commands.Result evil = appliance.run("User-Name = \"ev\\\"il]\"\nUser-Password = \"x\"\n", "radclient", "-x",
                "-r", "1", "-t", "5", "127.0.0.1:" + appliance.authPort, "auth", SECRET);
        assertTrue(evil.toString(), evil.output.contains("Received Access-Reject"));
        for (String file : List.of("tls.log", "plain.log")) {
            Await.until("accept, reject and the escaped user in " + file, WAIT,
                    () -> lines(file, "decision", "demo").stream().anyMatch(l -> l.contains(" outcome=\"accept\""))
                            && lines(file, "decision", "demo").stream()
                                    .anyMatch(l -> l.contains(" reason=\"authentication_failed\""))
                            && !lines(file, "decision", "ev\\\"il\\]").isEmpty());
            String accept = lines(file, "decision", "demo").stream().filter(l -> l.contains(" outcome=\"accept\""))
                    .findFirst().orElseThrow();
            assertTrue(accept, Pattern.compile(" correlationId=\"[0-9a-f-]{36}\"").matcher(accept).find());
            for (String param : List.of(" client=\"localhost-demo\"", " reason=\"accepted\"", " method=\"pap\"",
                    " requestId=\"")) {
                assertTrue(param + " in " + accept, accept.contains(param));
            }
            assertFalse("never a password: " + file, read(dir.resolve(file)).contains(PASSWORD));
        }
    }

    @Test
    public void test2_accountingRecordsCarryTheSession() {
        String session = "syslog-" + System.nanoTime();
        Commands.Result result = appliance.run("User-Name = demo\nAcct-Status-Type = Start\nAcct-Session-Id = "
                + session + "\nNAS-IP-Address = 127.0.0.1\n", "radclient", "-x", "-r", "1", "-t", "5",
                "127.0.0.1:" + appliance.acctPort, "acct", SECRET);
        assertTrue(result.toString(), result.output.contains("Received Accounting-Response"));
        Await.until("the accounting record over TLS", WAIT, () -> lines("tls.log", "accounting", "demo").stream()
                .anyMatch(l -> l.contains(" sessionId=\"" + session + "\"") && l.contains(" status=\"Start\"")
                        && l.contains(" nasIp=\"127.0.0.1\"")));
    }

    @Test
    public void test3_withRsyslogDownLoginsAreAnsweredAndDropsCountedThenItResumes() throws Exception {
        stopRsyslog();
        int answered = 0;
        long slowest = 0;
        for (int i = 0; i < 20; i++) {
            long started = System.nanoTime();
            String answer = radtest("demo", PASSWORD);
            slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
            if (answer.contains("Received Access-Accept")) {
                answered++;
            }
        }
        assertEquals("every login answered while the SIEM is away", 20, answered);
        System.out.printf("SyslogAuditIT: 20 logins with rsyslog down, the slowest radtest (a process start"
                + " included) %d ms%n", slowest);
        Await.until("drops counted in /metrics", WAIT,
                () -> sample(metrics(), "radmfa_logging_refused_records_total{sink=\"syslog:siem\"}") > 0);
        String page = metrics();
        assertEquals(0.0, sample(page, "radmfa_logging_sink_up{sink=\"syslog:siem\"}"), 0);
        double queued = sample(page, "radmfa_logging_queued_records{sink=\"syslog:siem\"}");
        assertTrue("queued " + queued, queued >= 0 && queued <= BUFFER);
        String health = appliance.shell("radmfa:health --no-format");
        assertTrue(health, Pattern.compile("(?m)^Accounting and audit sinks\\s+WARN\\s+.*syslog:siem.*cannot send")
                .matcher(health).find());

        startRsyslog();
        assertTrue(radtest("back-again", "x").contains("Received Access-Reject"));
        // Until the sender has reconnected and sent what its full buffer holds, a new decision is dropped (the
        // newest goes, so that what is sent stays in order): log in again until one arrives on both connections.
        Await.until("decisions received again once rsyslog is back", WAIT, () -> {
            if (!lines("tls.log", "decision", "back-again").isEmpty()
                    && !lines("plain.log", "decision", "back-again").isEmpty()) {
                return true;
            }
            radtest("back-again", "x");
            return false;
        });
        Await.until("the sink up again", WAIT,
                () -> sample(metrics(), "radmfa_logging_sink_up{sink=\"syslog:siem\"}") == 1.0);
        System.out.printf("SyslogAuditIT: %.0f messages dropped during the outage (buffer %d)%n",
                sample(metrics(), "radmfa_logging_refused_records_total{sink=\"syslog:siem\"}"), BUFFER);
    }
}
