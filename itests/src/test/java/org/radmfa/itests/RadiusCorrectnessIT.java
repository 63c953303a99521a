package org.radmfa.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Issue 22's four RADIUS correctness bugs, black-box against the assembly as shipped, with FreeRADIUS's own clients
 * (radclient, radtest): Proxy-State echoed in every kind of answer; MS-CHAP v1 rejected with a reason, not dropped;
 * requireMessageAuthenticator = auto and limitProxyState, remembered across a restart; a backtracking pattern in a
 * connection request policy against a hostile User-Name decided promptly while other logins go on.
 */
public class RadiusCorrectnessIT {
    private static final String SECRET = "testing123";
    private static final String AUTO_SECRET = "auto-gateway-secret";
    /** The address of the client with requireMessageAuthenticator = auto; radclient sends from it. */
    private static final String AUTO_ADDRESS = "127.0.0.3";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration RADIUS_TIMEOUT = Duration.ofSeconds(90);
    private static final String HOSTILE_USER = "a".repeat(60) + "!";

    private static RunningAppliance appliance;

    @BeforeClass
    public static void startAppliance() throws Exception {
        for (String command : List.of("radtest", "radclient")) {
            if (!Commands.onPath(command)) {
                fail(command + " not found: install freeradius-utils (./test.sh does it when run as root)");
            }
        }
        Path itestDir = Files.createDirectories(Paths.get(property("radmfa.itest.dir")));
        appliance = new RunningAppliance(Paths.get(property("radmfa.assembly.dir")).toRealPath(), itestDir,
                "radius-correctness", List.of());
        Path etc = appliance.home.resolve("etc");
        // A gateway that says nothing about Message-Authenticator: auto, the default for a new client.
        Files.writeString(etc.resolve("org.radmfa.client-autogw.cfg"), "name = auto-gateway\naddress = "
                + AUTO_ADDRESS + "\nsecret = " + AUTO_SECRET + "\n");
        // Issue 22: a pattern a backtracking engine needs hours for with a User-Name of sixty a's and a '!'.
        Files.writeString(etc.resolve("org.radmfa.crp-hostile.cfg"), "name = Hostile pattern\norder = 1\n"
                + "condition.userName = (.*a){12}$\n");
        // A backreference: no linear-time engine can evaluate it, so it is refused at load.
        Files.writeString(etc.resolve("org.radmfa.crp-backref.cfg"), "name = Backreference\norder = 2\n"
                + "condition.userName = ^(a+)\\\\1$\n");
        appliance.start(START_TIMEOUT);
        Await.until("a RADIUS answer to the demo user", RADIUS_TIMEOUT,
                () -> radclient("User-Name = demo\nUser-Password = demo-password\n", "auth", SECRET)
                        .output.contains("Received Access-"));
    }

    @AfterClass
    public static void stopAppliance() throws Exception {
        if (appliance != null) {
            appliance.close();
        }
    }

    // ---- 1. Proxy-State ------------------------------------------------------------------------------------

    private static final String PROXY_STATES = "Proxy-State = 0x70726f78792d6f6e65\nProxy-State = 0x0002ff\n";

    /** RFC 2865 section 5.33: every Proxy-State back, unmodified, in order, in the answer's attributes. */
    private static void assertProxyStatesEchoed(Commands.Result result, String answer) {
        String received = receivedPart(result, answer);
        int first = received.indexOf("Proxy-State = 0x70726f78792d6f6e65");
        int second = received.indexOf("Proxy-State = 0x0002ff");
        assertTrue("first Proxy-State echoed: " + result, first >= 0);
        assertTrue("second Proxy-State echoed: " + result, second >= 0);
        assertTrue("in the order received: " + result, first < second);
    }

    @Test
    public void proxyStateIsEchoedInAcceptRejectChallengeAndAccountingResponse() {
        // Signed, as a proxy in front of a BlastRADIUS-hardened server does (limitProxyState drops unsigned ones).
        String signed = "Message-Authenticator = 0x00\n" + PROXY_STATES;
        assertProxyStatesEchoed(radclient("User-Name = demo\nUser-Password = demo-password\n" + signed, "auth",
                SECRET), "Access-Accept");
        assertProxyStatesEchoed(radclient("User-Name = demo\nUser-Password = wrong\n" + signed, "auth", SECRET),
                "Access-Reject");
        // EAP-Response/Identity "demo": the first answer of EAP-MSCHAPv2 is an Access-Challenge.
        assertProxyStatesEchoed(radclient("User-Name = demo\nEAP-Message = 0x020100090164656d6f\n" + signed, "auth",
                SECRET), "Access-Challenge");
        assertProxyStatesEchoed(radclient("User-Name = demo\nAcct-Status-Type = Start\nAcct-Session-Id = proxied-"
                + System.nanoTime() + "\n" + PROXY_STATES, "acct", SECRET), "Accounting-Response");
    }

    // ---- 2. MS-CHAP v1 -------------------------------------------------------------------------------------

    @Test
    public void msChapV1FromRadtestIsRejectedWithAReasonNotDropped() throws IOException {
        Commands.Result result = appliance.run(null, "radtest", "-t", "mschap", "demo", "demo-password",
                "127.0.0.1:" + appliance.authPort, "0", SECRET);
        assertTrue("radtest -t mschap sends MS-CHAP v1: " + result, result.output.contains("MS-CHAP-Challenge"));
        assertTrue(result.toString(), result.output.contains("Received Access-Reject"));
        Await.until("the reject's log line naming the method", RADIUS_TIMEOUT, () -> karafLog().contains(
                "authentication method MS-CHAP v1 (MS-CHAP-Response, RFC 2548) is not offered"));
        String stats = appliance.shell("radmfa:clients-show --no-format localhost-demo");
        assertTrue(stats, stats.contains("AUTH_METHOD_NOT_ALLOWED"));
    }

    // ---- 3. requireMessageAuthenticator = auto, limitProxyState ---------------------------------------------

    private static Commands.Result fromAutoGateway(String attributes) {
        return radclient("Packet-Src-IP-Address = " + AUTO_ADDRESS + "\nUser-Name = demo\n"
                + "User-Password = demo-password\n" + attributes, "auth", AUTO_SECRET);
    }

    private static String autoGatewayRow() {
        String clients = appliance.shell("radmfa:clients --no-format");
        return clients.lines().filter(line -> line.startsWith("auto-gateway")).findFirst()
                .orElseThrow(() -> new AssertionError("auto-gateway not listed: " + clients));
    }

    @Test
    public void autoRequiresAMessageAuthenticatorOnceSentEvenAfterARestart() throws Exception {
        Await.until("auto-gateway registered", RADIUS_TIMEOUT,
                () -> appliance.shell("radmfa:clients --no-format").contains("auto-gateway"));
        String before = autoGatewayRow();
        assertTrue(before, before.contains("auto: optional until it sends one")
                && Pattern.compile("\\sno\\s").matcher(before).find());

        assertTrue("unsigned, from a gateway that has never signed",
                fromAutoGateway("").output.contains("Received Access-Accept"));
        assertNoAnswer(fromAutoGateway(PROXY_STATES));

        assertTrue("signed", fromAutoGateway("Message-Authenticator = 0x00\n").output
                .contains("Received Access-Accept"));
        String after = autoGatewayRow();
        assertTrue(after, after.contains("auto: required (it sent one)") && after.contains("yes, first"));
        assertNoAnswer(fromAutoGateway(""));

        appliance.stop();
        appliance.start(START_TIMEOUT);
        Await.until("a RADIUS answer after the restart", RADIUS_TIMEOUT,
                () -> radclient("User-Name = demo\nUser-Password = demo-password\n", "auth", SECRET)
                        .output.contains("Received Access-"));
        Await.until("auto-gateway registered again", RADIUS_TIMEOUT,
                () -> appliance.shell("radmfa:clients --no-format").contains("auto-gateway"));
        // Shown before the gateway sends anything again: remembered, not relearned.
        String restarted = autoGatewayRow();
        assertTrue(restarted, restarted.contains("auto: required (it sent one)"));
        assertNoAnswer(fromAutoGateway(""));
        assertTrue(fromAutoGateway("Message-Authenticator = 0x00\n").output.contains("Received Access-Accept"));
    }

    // ---- 4. A backtracking pattern and a hostile User-Name --------------------------------------------------

    @Test
    public void aHostileUserNameAgainstABacktrackingPatternIsAnsweredAndLoginsGoOn() throws Exception {
        Await.until("the backreference refused with file, key and reason", RADIUS_TIMEOUT, () -> {
            String log = karafLog();
            return log.contains("org.radmfa.crp-backref.cfg") && log.contains("key 'condition.userName'")
                    && log.contains("linear time");
        });
        String hostile = "User-Name = \"" + HOSTILE_USER + "\"\nUser-Password = whatever\n";
        // Two at once, as in the issue: each used to hold a deciding thread at 100 % CPU.
        CompletableFuture<Commands.Result> first = CompletableFuture.supplyAsync(() -> radclient(hostile, "auth",
                SECRET));
        CompletableFuture<Commands.Result> second = CompletableFuture.supplyAsync(() -> radclient(hostile, "auth",
                SECRET));
        Commands.Result demo = radclient("User-Name = demo\nUser-Password = demo-password\n", "auth", SECRET);
        assertTrue("another login meanwhile: " + demo, demo.output.contains("Received Access-Accept"));
        for (Commands.Result result : List.of(first.get(), second.get())) {
            assertTrue("the hostile request is answered: " + result,
                    result.output.contains("Received Access-Reject"));
        }
        String decisions = appliance.shell("radmfa:decisions --no-format --trace -n 20");
        assertTrue(decisions, decisions.contains("Hostile pattern"));
    }

    // ---------------------------------------------------------------------------------------------------------

    /** radclient -x: prints what it sends and receives; one try, with a timeout far above any answer's time. */
    private static Commands.Result radclient(String attributes, String type, String secret) {
        int port = type.equals("acct") ? appliance.acctPort : appliance.authPort;
        return appliance.run(attributes, "radclient", "-x", "-r", "1", "-t", "5", "127.0.0.1:" + port, type, secret);
    }

    /** The lines radclient printed for the answer, from its "Received" line on. */
    private static String receivedPart(Commands.Result result, String answer) {
        Matcher received = Pattern.compile("Received " + answer + " Id").matcher(result.output);
        assertTrue("expected " + answer + ": " + result, received.find());
        return result.output.substring(received.start());
    }

    private static void assertNoAnswer(Commands.Result result) {
        assertTrue(result.toString(), result.output.contains("Sent Access-Request"));
        assertFalse("expected silence, got an answer: " + result, result.output.contains("Received "));
    }

    private static String karafLog() {
        try {
            return Files.readString(appliance.home.resolve("data/log/karaf.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertNotNull("system property " + name + " (set by failsafe): run with Maven", value);
        return value;
    }
}
