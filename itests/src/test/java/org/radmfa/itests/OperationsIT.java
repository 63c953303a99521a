package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * The appliance as operators watch it, from outside the built assembly: the health probes a load balancer or
 * Kubernetes calls, hc:exec in the shell, and the Prometheus endpoint, parsed by the Prometheus project's own parsers
 * (Debian's python3-prometheus-client) in both text formats.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class OperationsIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(60);
    private static final String SECRET = "testing123";
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path PARSER = Paths.get("src/test/python/parse_metrics.py").toAbsolutePath();

    private static RunningAppliance appliance;
    private static HttpClient http;
    private static String base;

    @BeforeClass
    public static void startAppliance() throws Exception {
        assertTrue("radtest not found: install freeradius-utils", Commands.onPath("radtest"));
        assertEquals("the Prometheus parsers: install python3-prometheus-client", 0, Commands.run(PARSER.getParent(), Map.of(),
                null, Duration.ofSeconds(30), List.of(PYTHON, "-c", "import prometheus_client")).exitCode);
        Path itestDir = Files.createDirectories(Paths.get(System.getProperty("radmfa.itest.dir")));
        appliance = new RunningAppliance(Paths.get(System.getProperty("radmfa.assembly.dir")).toRealPath(), itestDir,
                "operations", List.of());
        long started = System.nanoTime();
        appliance.start(START_TIMEOUT);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        base = "http://127.0.0.1:" + appliance.httpPort;
        // Features install after the HTTP port opens, and Felix HC answers 200 with no results before the checks
        // (and their etc/ configurations) are registered: wait until both probes run their checks.
        Await.until("/health/ready and /health/live answer 200 with their checks", START_TIMEOUT, () -> {
            if (!appliance.running()) {
                throw new AssertionError("Karaf stopped:\n" + appliance.logTail(40));
            }
            HttpResponse<String> ready = get("/health/ready", null);
            HttpResponse<String> live = get("/health/live", null);
            return ready.statusCode() == 200 && ready.body().contains("\"RADIUS listeners\"")
                    && ready.body().contains("\"radmfa bundles started\"") && live.statusCode() == 200
                    && live.body().contains("OSGi Framework Ready Check");
        });
        System.out.printf("OperationsIT: bin/start -> ready: %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }

    @AfterClass
    public static void stopAppliance() throws Exception {
        if (appliance != null) {
            appliance.close();
        }
    }

    private static HttpResponse<String> get(String path, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (accept != null) {
            request.header("Accept", accept);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String radtest(String user, String password) {
        return appliance.run(null, "radtest", user, password, "127.0.0.1:" + appliance.authPort, "0", SECRET).output;
    }

    /** The page through the real parser: one `name{labels} value` a line, or the test fails with its message. */
    private static String parsed(String format, String page) {
        Commands.Result result = Commands.run(PARSER.getParent(), Map.of(), page, Duration.ofSeconds(30),
                List.of(PYTHON, PARSER.toString(), format));
        assertEquals(format + " parser refused the page: " + result.output + "\n--- page:\n" + page, 0,
                result.exitCode);
        return result.output;
    }

    private static double sample(String parsed, String series) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(parsed);
        assertTrue("no sample " + series + " in\n" + parsed, value.find());
        return Double.parseDouble(value.group(1));
    }

    @Test
    public void test1_liveAndReadyProbesNameEveryCheck() {
        HttpResponse<String> live = get("/health/live", null);
        assertEquals(live.body(), 200, live.statusCode());
        assertTrue(live.body(), live.body().contains("OSGi Framework Ready Check"));

        HttpResponse<String> ready = get("/health/ready", null);
        assertEquals(ready.body(), 200, ready.statusCode());
        for (String check : List.of("RADIUS listeners", "Directories", "MFA connector", "Accounting and audit sinks",
                "Cluster members", "radmfa bundles started")) {
            assertTrue(check + " missing from " + ready.body(), ready.body().contains("\"" + check + "\""));
        }
        // The demo has no MFA connector: a warning, which keeps the appliance in its load balancer's pool.
        assertTrue(ready.body(), ready.body().contains("No MFA connector is bound"));
        assertTrue(ready.body(), ready.body().contains("RADIUS authentication listening on"));

        String shell = appliance.shell("radmfa:health --no-format");
        assertTrue(shell, Pattern.compile("(?m)^RADIUS listeners\\s+OK\\s").matcher(shell).find());
        assertTrue(shell, Pattern.compile("(?m)^MFA connector\\s+WARN\\s").matcher(shell).find());
        assertTrue(shell, shell.contains("Overall: WARN"));
    }

    @Test
    public void test2_metricsCountDecisionsPerClientOutcomeAndReasonInBothTextFormats() {
        assertTrue(radtest("demo", "demo-password").contains("Received Access-Accept"));
        assertTrue(radtest("demo", "not-the-password").contains("Received Access-Reject"));

        String client = "client=\"localhost-demo\"";
        Await.until("both decisions in the latency histogram, by method", CHANGE_TIMEOUT, () -> {
            String page = get("/metrics", null).body();
            return page.contains("radmfa_decision_duration_seconds_count{method=\"pap\",outcome=\"accept\"}")
                    && page.contains("radmfa_decision_duration_seconds_count{method=\"pap\",outcome=\"reject\"}");
        });

        HttpResponse<String> openMetrics = get("/metrics", "application/openmetrics-text; version=1.0.0");
        assertEquals(200, openMetrics.statusCode());
        assertTrue(openMetrics.headers().firstValue("Content-Type").orElse(""),
                openMetrics.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        String parsed = parsed("openmetrics", openMetrics.body());
        assertTrue(sample(parsed, "radmfa_radius_answers_total{" + client + ",outcome=\"accept\"}") >= 1);
        assertTrue(sample(parsed, "radmfa_radius_rejects_total{" + client + ",reason=\"authentication_failed\"}")
                >= 1);
        assertTrue(sample(parsed, "radmfa_radius_requests_total{" + client + "}") >= 2);
        assertTrue(sample(parsed, "radmfa_decision_duration_seconds_count{method=\"pap\",outcome=\"accept\"}") >= 1);
        assertTrue(sample(parsed, "radmfa_decision_duration_seconds_bucket{le=\"+Inf\",method=\"pap\",outcome=\"reject\"}")
                >= 1);
        // Records waiting for the disk, per file sink: a gauge (0 or a few here), present for every sink with a queue.
        assertTrue(sample(parsed, "radmfa_logging_queued_records{sink=\"file\"}") >= 0);
        assertTrue(sample(parsed, "radmfa_logging_queued_records{sink=\"audit file\"}") >= 0);
        assertEquals(1.0, sample(parsed, "radmfa_radius_listener_up{address=\"0.0.0.0:" + appliance.authPort
                + "\",kind=\"authentication\"}"), 0);
        assertEquals(0.0, sample(parsed, "radmfa_mfa_pending{}"), 0);
        assertTrue(parsed, parsed.contains("TYPE radmfa_decision_duration_seconds histogram"));
        assertTrue("no user name in any label", !openMetrics.body().contains("=\"demo\""));

        long scrapeStart = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertEquals(200, get("/metrics", null).statusCode());
        }
        System.out.printf("OperationsIT: /metrics %d bytes, %.1f ms a scrape (20 in a row, loopback)%n",
                openMetrics.body().length(), (System.nanoTime() - scrapeStart) / 20 / 1e6);

        HttpResponse<String> text = get("/metrics", null);
        assertTrue(text.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String parsedText = parsed("prometheus", text.body());
        assertTrue(sample(parsedText, "radmfa_radius_answers_total{" + client + ",outcome=\"accept\"}") >= 1);
    }

    @Test
    public void test3_aSinkThatCannotWriteAndDiscardsRequestsTakesTheApplianceOutOfThePool() throws IOException {
        Path config = appliance.home.resolve("etc").resolve("org.radmfa.accounting.file-full.cfg");
        Files.writeString(config, "format = ias\ndirectory = " + appliance.home.resolve("data/accounting-full")
                + "\n# more free space than any test machine has: the disk counts as full\n"
                + "minFreeMegabytes = 10000000\nonFailure = discard-requests\n");
        try {
            Await.until("/health/ready 503 while the sink fails", CHANGE_TIMEOUT,
                    () -> get("/health/ready", null).statusCode() == 503);
            HttpResponse<String> ready = get("/health/ready", null);
            assertTrue(ready.body(), ready.body().contains("discards requests until it can"));
            assertEquals("liveness does not follow readiness", 200, get("/health/live", null).statusCode());

            String shell = appliance.shell("radmfa:health --no-format");
            assertTrue(shell, Pattern.compile("(?m)^Accounting and audit sinks\\s+CRITICAL\\s+.*file:full")
                    .matcher(shell).find());
            assertTrue(shell, shell.contains("Overall: CRITICAL"));

            String parsed = parsed("prometheus", get("/metrics", null).body());
            assertEquals(0.0, sample(parsed, "radmfa_logging_sink_up{sink=\"file:full\"}"), 0);
        } finally {
            Files.delete(config);
        }
        Await.until("/health/ready 200 once the failing sink is removed", CHANGE_TIMEOUT,
                () -> get("/health/ready", null).statusCode() == 200);
    }

    /**
     * The second factor's own latency and the pending gauge, with the TOTP connector installed from the shell: the
     * demo MFA user's password is answered with a challenge, which the connector decided (an MFA outcome with its
     * latency) and which stays pending until answered.
     */
    @Test
    public void test4_mfaLatencyAndPendingLoginsWithARealConnector() {
        appliance.shell("feature:install radmfa-mfa-otp");
        Await.until("radmfa:otp-enroll available", CHANGE_TIMEOUT, () -> {
            try {
                return appliance.shell("radmfa:otp-list") != null;
            } catch (AssertionError e) {
                return false;
            }
        });
        assertTrue(appliance.shell("radmfa:otp-enroll mfa-demo").contains("otpauth://totp/"));
        Await.until("an Access-Challenge for mfa-demo", CHANGE_TIMEOUT,
                () -> radtest("mfa-demo", "mfa-demo-password").contains("Received Access-Challenge"));
        Await.until("the challenge in the MFA latency histogram", CHANGE_TIMEOUT, () -> get("/metrics", null).body()
                .contains("radmfa_mfa_duration_seconds_count{outcome=\"challenge\"}"));
        String parsed = parsed("openmetrics", get("/metrics", "application/openmetrics-text; version=1.0.0").body());
        assertTrue(parsed, parsed.contains("TYPE radmfa_mfa_duration_seconds histogram"));
        assertTrue(sample(parsed, "radmfa_mfa_duration_seconds_count{outcome=\"challenge\"}") >= 1);
        assertTrue(sample(parsed, "radmfa_mfa_duration_seconds_bucket{le=\"+Inf\",outcome=\"challenge\"}") >= 1);
        assertTrue("the unanswered challenge is pending", sample(parsed, "radmfa_mfa_pending{}") >= 1);
        assertTrue(sample(parsed, "radmfa_mfa_outcomes_total{outcome=\"challenge\"}") >= 1);
    }
}
