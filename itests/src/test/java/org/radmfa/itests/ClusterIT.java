package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Three appliances in network namespaces of their own, sharing configuration through radmfa-cluster, and a gateway
 * namespace that lists them as its RADIUS servers. Two bridges in a "switch" namespace: a cluster network
 * (10.77.0.0/24) and the RADIUS network (10.78.0.0/24), so that a node can be cut off from its peers while the
 * gateway still reaches it. Nothing is created outside the namespaces this test makes; it skips (loudly) where the
 * machine forbids namespaces.
 * <p>
 * One PostgreSQL in a namespace of its own on the cluster network takes every node's accounting. The accounting test
 * runs first (name order) so that it sees all three nodes; it also works after node 2 was killed.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ClusterIT {
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final String SECRET = "cluster-it-secret";
    private static final String LOGIN = "User-Name = demo\nUser-Password = demo-password\n";

    private static final String ID = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
    private static final String SWITCH = "rmc" + ID + "sw";
    private static final String GATEWAY = "rmc" + ID + "gw";
    private static final List<Node> NODES = new ArrayList<>();
    private static final List<String> NAMESPACES = new ArrayList<>();
    private static Path workDir;
    /** The request pipeline's settings, with the MFA connector to fill in. */
    private static final String PIPELINE_SETTINGS = "mfaConnector.target = (connector=CONNECTOR)\n"
            + "mfaTimeoutSeconds = 20\nmfaMaxPushes = 0\n";
    /** The vault key every node shares; the test seals a TOTP enrollment with it. */
    private static String vaultKey;
    private static Process emulator;
    private static Path emulatorOutput;
    private static final String EMULATOR_HOST = "10.78.0.100";
    private static final String MFA_LOGIN = "User-Name = mfa-demo\nUser-Password = mfa-demo-password\n"
            + "Calling-Station-Id = 203.0.113.50\n";
    private static final String DATABASE_NAMESPACE = "rmc" + ID + "db";
    private static final String DATABASE_HOST = "10.77.0.50";
    private static final String ACCOUNTING_ROLE = "radmfa";
    private static final String ACCOUNTING_PASSWORD = "pg-" + HexFormat.of().formatHex(
            new SecureRandom().generateSeed(12));
    private static NamespacePostgres database;

    /** One appliance: its namespace, addresses, and copy of the assembly. */
    private record Node(int number, String namespace, String clusterAddress, String radiusAddress, Path home) {
        String name() {
            return "node" + number;
        }

        Optional<ProcessHandle> karaf() {
            try {
                Path pid = home.resolve("karaf.pid");
                return Files.exists(pid) ? ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
                        : Optional.empty();
            } catch (IOException | NumberFormatException e) {
                return Optional.empty();
            }
        }

        String log() {
            try {
                Path log = home.resolve("data/log/karaf.log");
                return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                return "";
            }
        }
    }

    private static Commands.Result ip(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        return Commands.run(workDir, Map.of(), null, COMMAND_TIMEOUT, command);
    }

    private static void mustIp(String... arguments) {
        Commands.Result result = ip(arguments);
        assertEquals(result.toString(), 0, result.exitCode);
    }

    private static Commands.Result inNamespace(String namespace, String stdin, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        return Commands.run(workDir, Map.of("JAVA_HOME", System.getProperty("java.home")), stdin, COMMAND_TIMEOUT,
                full);
    }

    /** A veth from the switch's bridge into a namespace, with an address there. */
    private static void link(String namespace, String bridge, String name, String address) {
        mustIp("link", "add", name, "netns", SWITCH, "type", "veth", "peer", "name", name + "p", "netns", namespace);
        mustIp("-n", SWITCH, "link", "set", name, "master", bridge, "up");
        mustIp("-n", namespace, "addr", "add", address + "/24", "dev", name + "p");
        mustIp("-n", namespace, "link", "set", name + "p", "up");
    }

    private static void addNamespace(String name) {
        mustIp("netns", "add", name);
        NAMESPACES.add(name);
        mustIp("-n", name, "link", "set", "lo", "up");
    }

    @BeforeClass
    public static void startThreeAppliances() throws Exception {
        workDir = Files.createDirectories(Paths.get("target", "itest", "cluster").toAbsolutePath());
        Commands.Result probe = ip("netns", "add", SWITCH);
        if (probe.exitCode != 0) {
            String why = "ClusterIT SKIPPED, not passed: this machine does not let the test create network namespaces"
                    + " (" + probe.output.trim() + ")";
            // CI runs as root and can make namespaces: there a failure to make one is a failure, never a skip.
            if (System.getenv("CI") != null || "root".equals(System.getProperty("user.name"))) {
                throw new AssertionError(why.replace("SKIPPED, not passed", "FAILED") + "; as root or under CI"
                        + " this test must run");
            }
            System.err.println(why);
            Assume.assumeTrue(why, false);
        }
        NAMESPACES.add(SWITCH);
        mustIp("-n", SWITCH, "link", "set", "lo", "up");
        mustIp("-n", SWITCH, "link", "add", "clusterbr", "type", "bridge");
        mustIp("-n", SWITCH, "link", "set", "clusterbr", "up");
        mustIp("-n", SWITCH, "link", "add", "radiusbr", "type", "bridge");
        mustIp("-n", SWITCH, "link", "set", "radiusbr", "up");
        addNamespace(GATEWAY);
        link(GATEWAY, "radiusbr", "r" + ID + "g", "10.78.0.100");

        // The Entra emulator in the gateway's namespace, on the RADIUS network every node reaches: one emulator
        // counts the pushes of all three nodes.
        Path emulatorJar = Paths.get(org.radmfa.mfa.entra.internal.EntraEmulator.class.getProtectionDomain()
                .getCodeSource().getLocation().toURI());
        Path entraConfig = workDir.resolve("entra-" + ID + ".cfg");
        emulatorOutput = workDir.resolve("entra-emulator-" + ID + ".log");
        emulator = new ProcessBuilder("ip", "netns", "exec", GATEWAY,
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                emulatorJar.toString(), "org.radmfa.mfa.entra.internal.EntraEmulatorMain", "--host", EMULATOR_HOST,
                "--port", "8443", "--approve-after", "6", "--user", "mfa-demo", "--truststore",
                workDir.resolve("entra-trust-" + ID + ".p12").toString(), "--config", entraConfig.toString(),
                "--report-seconds", "1", "--max-seconds", "900").redirectErrorStream(true)
                .redirectOutput(emulatorOutput.toFile()).start();
        Await.until("the Entra emulator in the gateway namespace", Duration.ofSeconds(60),
                () -> Files.exists(entraConfig));

        // The accounting database every node writes to, on the cluster network.
        addNamespace(DATABASE_NAMESPACE);
        link(DATABASE_NAMESPACE, "clusterbr", "d" + ID + "db", DATABASE_HOST);
        long pgStart = System.nanoTime();
        database = NamespacePostgres.start(DATABASE_NAMESPACE, DATABASE_HOST, "10.77.0.0/24", "radmfa",
                ACCOUNTING_ROLE, ACCOUNTING_PASSWORD);
        System.out.printf("[cluster] PostgreSQL up on %s in namespace %s after %d ms%n", DATABASE_HOST,
                DATABASE_NAMESPACE, Duration.ofNanos(System.nanoTime() - pgStart).toMillis());

        Path assembly = Paths.get(System.getProperty("radmfa.assembly.dir", "../karaf-assembly/target/assembly"));
        assertTrue("no assembly in " + assembly, Files.isExecutable(assembly.resolve("bin/start")));
        vaultKey = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
        String members = "10.77.0.11, 10.77.0.12, 10.77.0.13";
        for (int i = 1; i <= 3; i++) {
            Node node = new Node(i, "rmc" + ID + "n" + i, "10.77.0.1" + i, "10.78.0.1" + i,
                    Files.createTempDirectory(workDir, "node" + i + "-"));
            addNamespace(node.namespace());
            link(node.namespace(), "clusterbr", "c" + ID + "n" + i, node.clusterAddress());
            link(node.namespace(), "radiusbr", "r" + ID + "n" + i, node.radiusAddress());
            RunningAppliance.copyAssembly(assembly, node.home());
            Path etc = node.home().resolve("etc");
            // The same vault key on every node: shared entries are sealed with it.
            Files.writeString(etc.resolve("radmfa-vault.key"), vaultKey + "\n");
            Files.writeString(etc.resolve("org.radmfa.cluster.cfg"), "nodeName = " + node.name() + "\nbindAddress = "
                    + node.clusterAddress() + "\nmembers = " + members + "\n");
            PropertiesFiles.put(etc.resolve("org.radmfa.transport.cfg"), "listenAddresses", node.radiusAddress());
            Path features = etc.resolve("org.apache.karaf.features.cfg");
            String boot = PropertiesFiles.get(features, "featuresBoot");
            PropertiesFiles.put(features, "featuresBoot", boot
                    + ", radmfa-cluster, radmfa-mfa-entra, radmfa-mfa-otp, radmfa-accounting-pgsql");
            // The same database for every node; each its own spool (the default, in its own data/) and its name.
            Files.writeString(etc.resolve("org.radmfa.accounting.pgsql.cfg"), "url = jdbc:postgresql://"
                    + DATABASE_HOST + ":5432/radmfa\nuser = " + ACCOUNTING_ROLE + "\n.password = "
                    + ACCOUNTING_PASSWORD + "\nserverName = " + node.name() + "\nconnectTimeoutSeconds = 2\n");
            Files.copy(entraConfig, etc.resolve("org.radmfa.mfa.entra.cfg"));
            Files.writeString(etc.resolve("org.radmfa.pipeline.cfg"), PIPELINE_SETTINGS.replace("CONNECTOR", "entra"));
            Commands.Result firstBoot = Commands.run(node.home(), Map.of(), null, COMMAND_TIMEOUT,
                    List.of(node.home().resolve("bin/radmfa-first-boot").toString()));
            assertEquals(firstBoot.toString(), 0, firstBoot.exitCode);
            NODES.add(node);
        }
        for (Node node : NODES) {
            Commands.Result start = inNamespace(node.namespace(), null, node.home().resolve("bin/start").toString());
            assertEquals(start.toString(), 0, start.exitCode);
        }
        for (Node node : NODES) {
            Await.until(node.name() + " in a cluster of three", BOOT_TIMEOUT,
                    () -> node.log().contains("Members {size:3"));
        }
        System.out.println("[cluster] three appliances up in namespaces " + NAMESPACES);
    }

    @AfterClass
    public static void stopAndRemoveEverything() throws Exception {
        for (Node node : NODES) {
            node.karaf().ifPresent(ProcessHandle::destroyForcibly);
        }
        for (Node node : NODES) {
            node.karaf().ifPresent(process -> process.onExit().join());
            Path log = node.home().resolve("data/log/karaf.log");
            if (Files.exists(log)) {
                Files.copy(log, workDir.resolve(node.name() + "-karaf.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            RunningAppliance.deleteTree(node.home());
        }
        if (database != null) {
            database.close();
        }
        if (emulator != null) {
            emulator.destroy();
            emulator.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            emulator.destroyForcibly();
        }
        for (String namespace : NAMESPACES) {
            ip("netns", "del", namespace);
        }
    }

    /** One Access-Request from the gateway namespace to one node: the reply's code name, or null for none. */
    private static String login(Node node, String secret) {
        Commands.Result result = inNamespace(GATEWAY, LOGIN, "radclient", "-r", "1", "-t", "1",
                node.radiusAddress() + ":1812", "auth", secret);
        return received(result.output);
    }

    /**
     * The code of the reply radclient received, or null for none. Not any mention of a code: for a reject radclient
     * also prints "Expected Access-Accept got Access-Reject".
     */
    private static String received(String radclientOutput) {
        java.util.regex.Matcher received = java.util.regex.Pattern.compile("Received (Access-[A-Za-z]+)")
                .matcher(radclientOutput);
        return received.find() ? received.group(1) : null;
    }

    /** Pushes the emulator has started so far, from its latest counter line (one a second). */
    private static int pushesStarted() {
        try {
            List<String> lines = Files.readAllLines(emulatorOutput);
            for (int i = lines.size() - 1; i >= 0; i--) {
                java.util.regex.Matcher started = java.util.regex.Pattern.compile(
                        "EMULATOR tokens=\\d+ started=(\\d+)").matcher(lines.get(i));
                if (started.find()) {
                    return Integer.parseInt(started.group(1));
                }
            }
            return 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Counter lines the emulator has printed: each is a second later than the one before. */
    private static long counterLines() {
        try {
            return Files.readAllLines(emulatorOutput).stream().filter(line -> line.startsWith("EMULATOR")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** An MFA login sent from the gateway to a node, answered (or not) later: radclient in the background. */
    private static Process mfaLogin(Node node, String secret) throws IOException {
        Process process = new ProcessBuilder("ip", "netns", "exec", GATEWAY, "radclient", "-r", "1", "-t", "25",
                node.radiusAddress() + ":1812", "auth", secret).redirectErrorStream(true).start();
        process.getOutputStream().write(MFA_LOGIN.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        return process;
    }

    private static String answer(Process process) throws Exception {
        assertTrue("radclient finished", process.waitFor(40, java.util.concurrent.TimeUnit.SECONDS));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String code = received(output);
        return code != null ? code : output;
    }

    /** The gateway's failover: its servers in order, the next one when one does not answer. */
    private static Node loginWithFailover(List<Node> servers, String secret) {
        for (Node server : servers) {
            if ("Access-Accept".equals(login(server, secret))) {
                return server;
            }
        }
        return null;
    }

    private static void writeGatewayClient(Node node, String secret) throws IOException {
        Path file = node.home().resolve("etc/org.radmfa.client-gateway.cfg");
        Path temporary = file.resolveSibling(".client-gateway.tmp");
        Files.writeString(temporary, "name = p2s-gateway\naddress = 10.78.0.0/24\nsecret = " + secret
                + "\nrequireMessageAuthenticator = false\n");
        Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** One Accounting-Request from the gateway namespace to one node: true when an Accounting-Response came. */
    private static boolean account(Node node, String secret, String attributes) {
        Commands.Result result = inNamespace(GATEWAY, attributes, "radclient", "-r", "1", "-t", "3",
                node.radiusAddress() + ":1813", "acct", secret);
        return result.output.contains("Accounting-Response");
    }

    private static String accountingRequest(String status, String session, int sessionTime, int delay) {
        return "Acct-Status-Type = " + status + "\nAcct-Session-Id = \"" + session + "\"\nUser-Name = demo\n"
                + "NAS-IP-Address = 10.78.0.100\nFramed-IP-Address = 172.16.0.7\nAcct-Delay-Time = " + delay + "\n"
                + (status.equals("Start") ? "" : "Acct-Session-Time = " + sessionTime + "\nAcct-Input-Octets = "
                        + sessionTime * 1000 + "\n");
    }

    /** A Karaf shell command on a node, as its admin, through bin/client in its namespace: the output only. */
    private static String shell(Node node, String command) throws IOException {
        String password = PropertiesFiles.get(node.home().resolve("etc/users.properties"), "admin").split(",")[0];
        Commands.Result result = inNamespace(node.namespace(), command + "\n", node.home().resolve("bin/client")
                .toString(), "-u", "admin", "-p", password, "-a", "8101", "-h", "127.0.0.1", "-r", "10", "-d", "1",
                "-b");
        assertEquals("shell command '" + command + "' on " + node.name() + ": " + result.output, 0, result.exitCode);
        return result.output;
    }

    /** Rows matching, or -1 while the table cannot be read (the first node has not created it yet). */
    private static long rows(String where) {
        return database.count("radmfa", "SELECT count(*) FROM accounting_record WHERE " + where);
    }

    /** Waits (bounded) until {@code where} matches {@code count} rows; on time-out, says what the table holds. */
    private static void awaitRows(String what, String where, long count) {
        try {
            Await.until(what, Duration.ofSeconds(30), () -> rows(where) == count);
        } catch (AssertionError e) {
            String table = database.count("radmfa", "SELECT 1") < 0 ? "(database away)" : database.psql("radmfa",
                    "SELECT server, status_type, session_id, stored FROM accounting_record ORDER BY stored");
            throw new AssertionError(e.getMessage() + " (" + count + " rows where " + where + ", found " + rows(where)
                    + "); the table holds:\n" + table, e);
        }
    }

    private static List<Path> spoolSegments(Node node) {
        Path spool = node.home().resolve("data/accounting-spool");
        if (!Files.isDirectory(spool)) {
            return List.of();
        }
        try (var files = Files.list(spool)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    public void accountingFromEveryNodeInOnePostgresqlTable() throws Exception {
        long began = System.nanoTime();
        Node first = NODES.get(0);
        Node third = NODES.get(2);
        List<Node> alive = NODES.stream().filter(n -> n.karaf().map(ProcessHandle::isAlive).orElse(false)).toList();
        assertTrue("node1 and node3 are up: " + alive, alive.contains(first) && alive.contains(third));
        // The gateway's client with a secret of this test, from node 3 (never killed, never left with a bad
        // cluster configuration), so that this test does not depend on what the other one left.
        String secret = SECRET + "-acct";
        writeGatewayClient(third, secret);
        for (Node node : alive) {
            Await.until(node.name() + " accepts the gateway with the accounting test's secret", CONVERGE_TIMEOUT,
                    () -> "Access-Accept".equals(login(node, secret)));
        }
        String prefix = "cl-" + ID + "-";

        // 1. One session across the cluster: Start to node 1, Interim-Updates to the others, Stop to another node.
        String session = prefix + "session";
        List<String> expected = new ArrayList<>();
        assertTrue("Start answered by node1", account(first, secret, accountingRequest("Start", session, 0, 0)));
        expected.add("Start|node1|");
        int time = 60;
        for (Node node : alive) {
            if (node != first) {
                assertTrue("Interim-Update answered by " + node.name(), account(node, secret,
                        accountingRequest("Interim-Update", session, time, 0)));
                expected.add("Interim-Update|" + node.name() + "|" + time);
                time += 60;
            }
        }
        Node stopNode = alive.get(1);
        // The Accounting-Response goes out once one sink made the record durable: the node's accounting file may
        // be first, so the rows are awaited (bounded).
        awaitRows("the Start and Interim-Updates in the table", "session_id = '" + session + "'", expected.size());
        assertEquals("the session is active, started on node1", session + "|node1",
                database.psql("radmfa", "SELECT session_id, server FROM active_sessions WHERE session_id = '"
                        + session + "'"));
        // The operator's view on another node: radmfa:sessions reads the shared table.
        String sessions = shell(third, "radmfa:sessions --no-format");
        assertTrue("radmfa:sessions on node3 lists the session and node1: " + sessions, sessions.lines()
                .anyMatch(line -> line.contains(session) && line.contains("node1")));
        System.out.printf("[cluster] radmfa:sessions on node3: %s%n", sessions.lines()
                .filter(line -> line.contains(session)).findFirst().orElse("").replace('\t', ' '));
        assertTrue("Stop answered by " + stopNode.name(), account(stopNode, secret,
                accountingRequest("Stop", session, time, 0)));
        expected.add("Stop|" + stopNode.name() + "|" + time);
        awaitRows("the Stop in the table", "session_id = '" + session + "'", expected.size());
        assertEquals("every record of the session, each with the node that received it", String.join("\n", expected),
                database.psql("radmfa", "SELECT status_type, server,"
                        + " coalesce(attributes->>'Acct-Session-Time', '')"
                        + " FROM accounting_record WHERE session_id = '" + session + "'"
                        + " ORDER BY coalesce((attributes->>'Acct-Session-Time')::int, 0)"));
        assertEquals("the session is no longer active", "0", database.psql("radmfa",
                "SELECT count(*) FROM active_sessions WHERE session_id = '" + session + "'"));
        System.out.printf("[cluster] one session accounted on %d nodes: %s%n", alive.size(),
                String.join(", ", expected));

        // 2. The gateway got no answer from node 1 in time and fails over: the same record (its Acct-Delay-Time
        // grown) to node 3. Both are answered; the natural key keeps node 1's row. (Each node's writer keeps its
        // order, so the final check below, after node 3's later records are stored, covers node 3's copy too.)
        String failover = prefix + "failover";
        assertTrue(account(first, secret, accountingRequest("Start", failover, 0, 0)));
        awaitRows("node1's Start in the table", "session_id = '" + failover + "'", 1);
        assertTrue(account(third, secret, accountingRequest("Start", failover, 0, 3)));

        // 3. PostgreSQL stopped: every node keeps answering from its own spool; restarted, every record arrives.
        database.stopServer();
        long stopped = System.nanoTime();
        int perNode = 3;
        int outageRecords = 0;
        for (Node node : alive) {
            for (int i = 0; i < perNode; i++) {
                assertTrue(node.name() + " answers record " + i + " while PostgreSQL is down", account(node, secret,
                        accountingRequest("Start", prefix + "outage-" + node.name() + "-" + i, 0, 0)));
                outageRecords++;
            }
        }
        // The failover duplicate once more, to a third node while the database is down: spooled, replayed, ignored.
        Node other = alive.get(alive.size() > 2 ? 1 : 0);
        assertTrue(account(other, secret, accountingRequest("Start", failover, 0, 9)));
        for (Node node : alive) {
            Await.until(node.name() + " spooled into its own data/accounting-spool", Duration.ofSeconds(20),
                    () -> !spoolSegments(node).isEmpty());
        }
        List<Node> spooling = alive.stream().filter(n -> !spoolSegments(n).isEmpty()).toList();
        assertTrue("spool segments on at least two nodes while PostgreSQL is down: " + spooling.stream()
                .map(Node::name).toList(), spooling.size() >= 2);
        assertEquals("nothing reached the stopped database", -1, rows("true"));
        long outageMillis = Duration.ofNanos(System.nanoTime() - stopped).toMillis();
        long starting = System.nanoTime();
        database.startServer();
        long restarted = System.nanoTime();
        long startMillis = Duration.ofNanos(restarted - starting).toMillis();
        int spooledRecords = outageRecords;
        awaitRows("every spooled record in the table", "session_id LIKE '" + prefix + "outage-%'", spooledRecords);
        long storedMillis = Duration.ofNanos(System.nanoTime() - restarted).toMillis();
        for (Node node : alive) {
            Await.until(node.name() + "'s spool emptied", CONVERGE_TIMEOUT, () -> spoolSegments(node).isEmpty());
        }
        long drainedMillis = Duration.ofNanos(System.nanoTime() - restarted).toMillis();
        for (Node node : alive) {
            assertEquals(node.name() + "'s records carry its name", Integer.toString(perNode), database.psql("radmfa",
                    "SELECT count(*) FROM accounting_record WHERE session_id LIKE '" + prefix + "outage-"
                            + node.name() + "-%' AND server = '" + node.name() + "'"));
        }
        assertEquals("one row, node1's, for the record sent to three nodes", "1|node1", database.psql("radmfa",
                "SELECT count(*), min(server) FROM accounting_record WHERE session_id = '" + failover + "'"));
        long total = expected.size() + 1 + outageRecords;
        assertEquals("no duplicates: one row per record sent", total, rows("session_id LIKE '" + prefix + "%'"));
        System.out.printf("[cluster] PostgreSQL down %d ms: %d records answered from the spools of %d nodes; pg_ctl"
                + " start took %d ms, then all spooled records were stored within %d ms, spools empty at %d ms;"
                + " %d rows in all, no duplicate%n", outageMillis, outageRecords, spooling.size(), startMillis,
                storedMillis, drainedMillis, total);
        System.out.printf("[cluster] the accounting test took %d ms%n",
                Duration.ofNanos(System.nanoTime() - began).toMillis());
    }

    /** What the last challenge attempt got, for the message of a failed wait. */
    private static volatile String lastChallengeAnswer = "";

    /** An Access-Challenge from the gateway namespace: the State, or null when something else came back. */
    private static String challengeState(Node node, String secret, String user, String password) {
        Commands.Result result = inNamespace(GATEWAY, "User-Name = " + user + "\nUser-Password = " + password + "\n",
                "radclient", "-x", "-r", "1", "-t", "3", node.radiusAddress() + ":1812", "auth", secret);
        lastChallengeAnswer = node.name() + ": " + result.output;
        java.util.regex.Matcher state = java.util.regex.Pattern.compile("State = (0x[0-9a-fA-F]+)")
                .matcher(result.output);
        return result.output.contains("Received Access-Challenge") && state.find() ? state.group(1) : null;
    }

    /** The answer to a challenge: a TOTP code with the challenge's State. */
    private static String answerChallenge(Node node, String secret, String user, String code, String state) {
        Commands.Result result = inNamespace(GATEWAY, "User-Name = " + user + "\nUser-Password = " + code
                + "\nState = " + state + "\n", "radclient", "-r", "1", "-t", "3", node.radiusAddress() + ":1812",
                "auth", secret);
        String reply = received(result.output);
        return reply != null ? reply : result.output;
    }

    /** What etc/radmfa-vault.key seals with: AES-GCM, {aes-gcm} + base64(IV + ciphertext and tag). */
    private static String seal(String vaultKey, String text) throws Exception {
        byte[] iv = new SecureRandom().generateSeed(12);
        javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(
                Base64.getDecoder().decode(vaultKey), "AES"), new javax.crypto.spec.GCMParameterSpec(128, iv));
        byte[] sealed = cipher.doFinal(text.getBytes(StandardCharsets.UTF_8));
        return "{aes-gcm}" + Base64.getEncoder().encodeToString(java.nio.ByteBuffer.allocate(12 + sealed.length)
                .put(iv).put(sealed).array());
    }

    /**
     * TOTP across the cluster: a challenge made by node 1 is answered on node 3 (the gateway failed over between
     * the two rounds) and the login is accepted; the same code then offered on node 2 is refused. The connector is
     * switched to TOTP on node 1 (the pipeline's settings are shared) and back to Entra at the end.
     */
    @Test
    public void challengesAndCodesOfTotpHoldAcrossTheCluster() throws Exception {
        Node first = NODES.get(0);
        Node second = NODES.get(1);
        Node third = NODES.get(2);
        String secret = SECRET + "-otp";
        writeGatewayClient(first, secret);
        byte[] seed = new SecureRandom().generateSeed(20);
        String base32 = base32(seed);
        Path etc = first.home().resolve("etc");
        Files.writeString(etc.resolve("org.radmfa.user-otp-user.cfg"), "name = otp-user\npassword = otp-password\n"
                + "groups = mfa-users\nenabled = true\n");
        Files.writeString(etc.resolve("org.radmfa.otp-otp-user.cfg"), "user = otp-user\nsecret = "
                + seal(vaultKey, base32) + "\n");
        Path pipeline = etc.resolve("org.radmfa.pipeline.cfg");
        String entraPipeline = PIPELINE_SETTINGS.replace("CONNECTOR", "entra");
        try {
            Files.writeString(pipeline, PIPELINE_SETTINGS.replace("CONNECTOR", "otp"));
            long switched = System.nanoTime();
            String[] state = new String[1];
            try {
                Await.until("node 1 challenges otp-user", CONVERGE_TIMEOUT,
                        () -> (state[0] = challengeState(first, secret, "otp-user", "otp-password")) != null);
            } catch (AssertionError e) {
                String log = first.log();
                throw new AssertionError(e.getMessage() + "; last answer " + lastChallengeAnswer + "; node1 log: "
                        + log.substring(Math.max(0, log.length() - 4000)), e);
            }
            for (Node node : List.of(second, third)) {
                Await.until(node.name() + " challenges otp-user too", CONVERGE_TIMEOUT,
                        () -> challengeState(node, secret, "otp-user", "otp-password") != null);
            }
            System.out.printf("[cluster] TOTP user, enrollment and connector switch on every node after %d ms%n",
                    Duration.ofNanos(System.nanoTime() - switched).toMillis());
            state[0] = challengeState(first, secret, "otp-user", "otp-password");
            String code = OtpIT.totp(seed, java.time.Instant.now());
            assertEquals("node 1's challenge answered on node 3", "Access-Accept",
                    answerChallenge(third, secret, "otp-user", code, state[0]));
            String secondState = challengeState(second, secret, "otp-user", "otp-password");
            String onSecond = answerChallenge(second, secret, "otp-user", code, secondState);
            if (!"Access-Reject".equals(onSecond)) {
                throw new AssertionError("the same code on node 2: " + onSecond + "; node2 log: "
                        + tail(second.log()) + "\n; node3 log: " + tail(third.log()));
            }
            assertTrue(second.log(), second.log().contains("code already used on another appliance"));
            System.out.println("[cluster] TOTP: node1's challenge answered on node3 accepted; the same code on node2"
                    + " refused as used on another appliance");
        } finally {
            Files.writeString(pipeline, entraPipeline);
            Await.until("Entra again on node 3", CONVERGE_TIMEOUT, () -> {
                try {
                    return shell(third, "config:property-get -p org.radmfa.pipeline mfaConnector.target")
                            .contains("(connector=entra)");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 6000));
    }

    private static String base32(byte[] bytes) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder text = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                text.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            text.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return text.toString();
    }

    @Test
    public void oneConfigurationFailoverAndASplitThatHeals() throws Exception {
        Node first = NODES.get(0);
        Node second = NODES.get(1);
        Node third = NODES.get(2);

        // 1. A client added on node 1 (as an edited etc/ file) is used by nodes 2 and 3.
        writeGatewayClient(first, SECRET);
        long added = System.nanoTime();
        for (Node node : NODES) {
            Await.until(node.name() + " accepts the gateway added on node 1", CONVERGE_TIMEOUT,
                    () -> "Access-Accept".equals(login(node, SECRET)));
        }
        System.out.printf("[cluster] client added on node1 used by all three after %d ms%n",
                Duration.ofNanos(System.nanoTime() - added).toMillis());

        // 1b. A gateway failing over mid-push: the same login sent to node 3 while its push is pending on node 1
        // joins that push: both answered Access-Accept, one push.
        int pushesBefore = pushesStarted();
        Process onFirst = mfaLogin(first, SECRET);
        Await.until("the push pending on node 1", CONVERGE_TIMEOUT, () -> pushesStarted() == pushesBefore + 1);
        Process onThird = mfaLogin(third, SECRET);
        assertEquals("the login on node 1", "Access-Accept", answer(onFirst));
        assertEquals("the same login failed over to node 3", "Access-Accept", answer(onThird));
        long linesNow = counterLines();
        Await.until("two more counter lines from the emulator", CONVERGE_TIMEOUT, () -> counterLines() >= linesNow + 2);
        assertEquals("one push for the login, across the cluster", pushesBefore + 1, pushesStarted());
        System.out.printf("[cluster] a login failed over from node1 to node3 mid-push: both accepted, %d push%n",
                pushesStarted() - pushesBefore);

        // 2. Node 2 killed under a steady login load: the gateway's retries to the next server succeed.
        List<Node> gatewayOrder = List.of(second, first, third);
        int logins = 20;
        int failedOver = 0;
        for (int i = 0; i < logins; i++) {
            if (i == 5) {
                second.karaf().orElseThrow().destroyForcibly();
            }
            Node answered = loginWithFailover(gatewayOrder, SECRET);
            assertTrue("login " + i + " answered by some node", answered != null);
            failedOver += answered != second ? 1 : 0;
        }
        System.out.printf("[cluster] %d logins while node2 was killed: all accepted, %d by failover%n", logins,
                failedOver);
        assertTrue("logins after the kill went to another node: " + failedOver, failedOver >= logins - 5);

        // 3. Node 3 cut off from its peers (its cluster link down; the gateway still reaches it).
        mustIp("-n", SWITCH, "link", "set", "c" + ID + "n3", "down");
        Await.until("node1 sees node3 gone", CONVERGE_TIMEOUT, () -> first.log().contains("Members {size:1"));
        writeGatewayClient(first, SECRET + "-rotated");
        Await.until("node1 uses the rotated secret", CONVERGE_TIMEOUT,
                () -> "Access-Accept".equals(login(first, SECRET + "-rotated")));
        assertEquals("node3, cut off, keeps answering with its last configuration", "Access-Accept",
                login(third, SECRET));

        // 4. Reconnected, node 3 converges on the rotated secret.
        mustIp("-n", SWITCH, "link", "set", "c" + ID + "n3", "up");
        long healed = System.nanoTime();
        Await.until("node3 uses the rotated secret after the split healed", CONVERGE_TIMEOUT,
                () -> "Access-Accept".equals(login(third, SECRET + "-rotated")));
        System.out.printf("[cluster] node3 converged %d ms after its link came back%n",
                Duration.ofNanos(System.nanoTime() - healed).toMillis());
        // Which side merged into the other is Hazelcast's choice: either may log the healing.
        System.out.printf("[cluster] split healed as seen by node1: %s, by node3: %s%n",
                first.log().contains("Cluster split healed"), third.log().contains("Cluster split healed"));

        // 5. A bad cluster configuration on node 1 is refused; node 1 stays in the cluster and still takes changes.
        Path clusterFile = first.home().resolve("etc/org.radmfa.cluster.cfg");
        String good = Files.readString(clusterFile);
        Files.writeString(clusterFile, good.replace("bindAddress = ", "port = 99999\nbindAddress = "));
        Await.until("node1 refuses the bad cluster configuration", CONVERGE_TIMEOUT,
                () -> first.log().contains("key 'port': 99999 is out of range"));
        writeGatewayClient(third, SECRET + "-third");
        Await.until("node1, still in the cluster, takes node3's change", CONVERGE_TIMEOUT,
                () -> "Access-Accept".equals(login(first, SECRET + "-third")));
    }
}
