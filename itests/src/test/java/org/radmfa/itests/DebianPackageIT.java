package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Test;

/**
 * The Debian package as an operator meets it, with dpkg on this machine (as root: CI is): install, the service's own
 * command line (read from the systemd unit, run as its user, since CI has no systemd) answering radtest, a reinstall
 * that keeps an edited conffile, remove that keeps configuration and state, purge that deletes them and the user.
 * Skipped where it would not be fair to the machine: not root, no dpkg, or radmfa already installed.
 */
public class DebianPackageIT {
    private static final Path UNIT = Paths.get("/lib/systemd/system/radmfa.service");
    private static final Path ETC = Paths.get("/etc/radmfa");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    private static final String SECRET = "testing123";

    private Process service;

    private static Commands.Result run(String... command) {
        return Commands.run(Paths.get("/"), Map.of(), null, Duration.ofSeconds(180), List.of(command));
    }

    private static Commands.Result ok(String... command) {
        Commands.Result result = run(command);
        assertEquals(String.join(" ", command) + " -> " + result.output, 0, result.exitCode);
        return result;
    }

    private static boolean installed() {
        Commands.Result status = run("dpkg-query", "-W", "-f=${Status}", "radmfa");
        return status.exitCode == 0 && status.output.contains("installed");
    }

    private static String unitValue(List<String> unit, String key) {
        return unit.stream().filter(line -> line.startsWith(key + "=")).map(line -> line.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no " + key + "= in " + UNIT));
    }

    @After
    public void stopAndPurge() throws Exception {
        stopService();
        if (installed() || Files.exists(ETC)) {
            run("dpkg", "--purge", "radmfa");
        }
    }

    private static void assumeAMachineWeMayInstallOn() {
        assumeTrue("needs root", "root".equals(System.getProperty("user.name")));
        assumeTrue("needs dpkg", Commands.onPath("dpkg"));
        assumeTrue("radmfa is installed on this machine: not touching it", !installed() && !Files.exists(ETC));
        assertTrue("radtest not found: install freeradius-utils", Commands.onPath("radtest"));
    }

    private static Path builtPackage() throws IOException {
        try (Stream<Path> files = Files.list(Paths.get(System.getProperty("radmfa.deb.dir")))) {
            return files.filter(file -> file.getFileName().toString().matches("radmfa_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no radmfa_*_all.deb: build the deb module first"));
        }
    }

    @Test
    public void installRunRemovePurge() throws Exception {
        assumeAMachineWeMayInstallOn();
        Path deb = builtPackage();

        long started = System.nanoTime();
        ok("dpkg", "--install", deb.toString());
        System.out.printf("DebianPackageIT: dpkg --install %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertTrue(ok("getent", "passwd", "radmfa").output.contains("/var/lib/radmfa"));
        assertTrue(Files.isExecutable(Paths.get("/opt/radmfa/bin/karaf")));
        String conffiles = ok("dpkg-query", "-W", "-f=${Conffiles}", "radmfa").output;
        assertTrue(conffiles, conffiles.contains("/etc/radmfa/org.ops4j.pax.web.cfg"));
        assertTrue(conffiles, conffiles.contains("/etc/radmfa/users.properties"));
        assertFalse("nothing of /opt is a conffile", conffiles.contains("/opt/"));
        for (String dir : List.of("/var/lib/radmfa", "/var/log/radmfa", "/etc/radmfa")) {
            assertEquals(dir, "radmfa", Files.getOwner(Paths.get(dir)).getName());
        }
        List<String> unit = Files.readAllLines(UNIT, StandardCharsets.UTF_8);
        for (String hardening : List.of("NoNewPrivileges=yes", "ProtectSystem=strict",
                "ReadWritePaths=/etc/radmfa /var/lib/radmfa /var/log/radmfa",
                "AmbientCapabilities=CAP_NET_BIND_SERVICE")) {
            assertTrue(hardening, unit.contains(hardening));
        }

        // systemd's own parser, offline (CI has no running systemd): an unknown key or a bad path fails here.
        if (Commands.onPath("systemd-analyze")) {
            Commands.Result verify = run("systemd-analyze", "verify", UNIT.toString());
            assertFalse(verify.output, verify.output.lines().anyMatch(line -> line.contains("radmfa.service")));
        }

        int[] udp = FreePorts.udp(2);
        int[] tcp = FreePorts.tcp(4);
        editPorts(udp, tcp);

        String user = unitValue(unit, "User");
        started = System.nanoTime();
        startService(udp[0], SECRET);
        String users = Files.readString(ETC.resolve("users.properties"), StandardCharsets.UTF_8);
        assertTrue("admin password generated on first start", users.matches("(?s).*\\nadmin = [A-Za-z0-9]{24},.*"));
        System.out.printf("DebianPackageIT: ExecStart -> Access-Accept %d ms%n",
                (System.nanoTime() - started) / 1_000_000);
        Path itestDir = Paths.get(System.getProperty("radmfa.itest.dir"));
        assertTrue("logs in /var/log/radmfa", Files.size(Paths.get("/var/log/radmfa/karaf.log")) > 0);
        assertFalse("nothing written outside the ReadWritePaths", Files.readString(itestDir.resolve("deb-karaf.out"))
                .contains("Unable to"));
        assertEquals("Karaf state in /var/lib/radmfa", user, Files.getOwner(Paths.get("/var/lib/radmfa/data/cache"))
                .getName());
        stopService();

        // Reinstall over itself, as an upgrade does: the edited conffile stays as the operator left it.
        ok("dpkg", "--force-confold", "--install", deb.toString());
        assertEquals(String.valueOf(tcp[1]), PropertiesFiles.get(ETC.resolve("org.ops4j.pax.web.cfg"),
                "org.osgi.service.http.port"));
        assertEquals(String.valueOf(udp[0]), PropertiesFiles.get(ETC.resolve("org.radmfa.transport.cfg"), "authPort"));
        assertEquals(users, Files.readString(ETC.resolve("users.properties"), StandardCharsets.UTF_8));

        ok("dpkg", "--remove", "radmfa");
        assertFalse(Files.exists(Paths.get("/opt/radmfa/bin/karaf")));
        assertTrue("remove keeps configuration", Files.exists(ETC.resolve("users.properties")));
        assertTrue("remove keeps state", Files.isDirectory(Paths.get("/var/lib/radmfa/data")));

        ok("dpkg", "--purge", "radmfa");
        for (String gone : List.of("/etc/radmfa", "/var/lib/radmfa", "/var/log/radmfa", "/opt/radmfa/bin")) {
            assertFalse("purge deletes " + gone, Files.exists(Paths.get(gone)));
        }
        assertTrue("purge deletes the user", run("getent", "passwd", "radmfa").exitCode != 0);
    }

    /**
     * An upgrade as an operator runs one, from an older package to this one. The older package is <em>this build</em>
     * repackaged (building the previous release from its tag would take longer than the whole test): its control file
     * says version {@value #OLDER_VERSION}, and two of its conffiles end with a comment this build does not have, as a
     * release that changed its defaults would ship. Everything else is byte for byte this build. What is tested is
     * dpkg's upgrade path through our maintainer scripts and conffiles, and that the appliance's state survives it:
     * configuration edits, a shared secret sealed by the vault, the vault key, the generated admin password, the
     * accounting and audit files; then the upgraded package's own command answers radtest with the sealed secret.
     */
    @Test
    public void upgradeFromAnOlderPackageKeepsConfigurationSecretsTheVaultKeyAndRecords() throws Exception {
        assumeAMachineWeMayInstallOn();
        Path deb = builtPackage();
        Path itestDir = Files.createDirectories(Paths.get(System.getProperty("radmfa.itest.dir")));
        Path work = Files.createTempDirectory(itestDir, "deb-upgrade-");
        Path older = olderPackage(deb, work);
        String newVersion = ok("dpkg-deb", "-f", deb.toString(), "Version").output.trim();

        ok("dpkg", "--install", older.toString());
        assertEquals(OLDER_VERSION, ok("dpkg-query", "-W", "-f=${Version}", "radmfa").output.trim());
        int[] udp = FreePorts.udp(2);
        int[] tcp = FreePorts.tcp(4);
        editPorts(udp, tcp);
        Path client = ETC.resolve("org.radmfa.client-demo.cfg");
        String secret = "upgrade-" + Long.toHexString(System.nanoTime()) + "-secret";
        PropertiesFiles.put(client, "secret", secret);
        startService(udp[0], secret);
        Await.until("the client's secret sealed in place by the vault", START_TIMEOUT,
                () -> java.util.regex.Pattern.compile("(?m)^secret\\s*=\\s*\\{aes-gcm\\}")
                        .matcher(new String(readAll(client), StandardCharsets.UTF_8)).find());
        String before = "before-upgrade-" + System.nanoTime();
        accounting(udp[1], secret, before);
        Path data = Paths.get("/var/lib/radmfa/data");
        Await.until("the session in the accounting file and the login in the audit file", START_TIMEOUT,
                () -> contents(data.resolve("accounting")).contains(before)
                        && contents(data.resolve("audit")).contains("\"demo\""));
        stopService();

        Map<Path, byte[]> kept = new java.util.TreeMap<>();
        for (Path file : List.of(client, ETC.resolve("radmfa-vault.key"), ETC.resolve("users.properties"),
                ETC.resolve("org.ops4j.pax.web.cfg"), ETC.resolve("org.radmfa.transport.cfg"))) {
            kept.put(file, Files.readAllBytes(file));
        }
        for (Path dir : List.of(data.resolve("accounting"), data.resolve("audit"))) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    kept.put(file, Files.readAllBytes(file));
                }
            }
        }

        long started = System.nanoTime();
        ok("dpkg", "--force-confold", "--install", deb.toString());
        System.out.printf("DebianPackageIT: upgrade %s -> %s with dpkg %d ms%n", OLDER_VERSION, newVersion,
                (System.nanoTime() - started) / 1_000_000);
        assertEquals(newVersion, ok("dpkg-query", "-W", "-f=${Version}", "radmfa").output.trim());
        kept.forEach((file, content) -> assertTrue(file + " unchanged by the upgrade",
                java.util.Arrays.equals(content, readAll(file))));
        // dpkg's conffile rules through our package: the file the operator edited keeps the edit (and the older
        // release's comment with it); the one left alone follows the new release.
        assertTrue(new String(readAll(ETC.resolve("org.ops4j.pax.web.cfg")), StandardCharsets.UTF_8)
                .contains(OLDER_MARK));
        assertFalse(new String(readAll(ETC.resolve("org.radmfa.policy-demo-vpn.cfg")), StandardCharsets.UTF_8)
                .contains(OLDER_MARK));

        // The upgraded package's command: the sealed secret opens with the kept vault key, records go on.
        startService(udp[0], secret);
        String after = "after-upgrade-" + System.nanoTime();
        accounting(udp[1], secret, after);
        Await.until("old and new sessions in the accounting files", START_TIMEOUT,
                () -> contents(data.resolve("accounting")).contains(after)
                        && contents(data.resolve("accounting")).contains(before));
        stopService();
    }

    static final String OLDER_VERSION = "0.0.1";
    private static final String OLDER_MARK = "# as shipped by the older package";

    /**
     * This build's package under {@value #OLDER_VERSION}: the control file's version changed, and two conffiles with
     * one more comment line (their md5sums updated); every other file, owner and mode as in this build.
     */
    private static Path olderPackage(Path deb, Path work) {
        // GNU tar cannot append to the data archive jdeb writes, so it is rebuilt from its own listing: the same
        // entries, root's first and then the radmfa user's (as the original owns them), each in their order.
        String script = String.join("\n",
                "set -e",
                "ar x " + deb,
                "mkdir control data",
                "tar -xzf control.tar.gz -C control",
                "sed -i 's/^Version: .*/Version: " + OLDER_VERSION + "/' control/control",
                "tar -xf data.tar -C data --numeric-owner",
                "tar -tvf data.tar | awk '$2 ~ /^radmfa\\// {print $6}' > radmfa.list",
                "tar -tvf data.tar | awk '$2 !~ /^radmfa\\// {print $6}' > root.list",
                "for f in org.ops4j.pax.web.cfg org.radmfa.policy-demo-vpn.cfg; do",
                "  echo '" + OLDER_MARK + "' >> data/etc/radmfa/$f",
                "  sed -i \"\\#etc/radmfa/$f\\$#d\" control/md5sums",
                "  (cd data && md5sum etc/radmfa/$f) >> control/md5sums",
                "done",
                "rm data.tar",
                "tar -cf data.tar --no-recursion --owner=root:0 --group=root:0 -C data -T root.list",
                "tar -rf data.tar --no-recursion --owner=radmfa:0 --group=radmfa:0 -C data -T radmfa.list",
                "tar -czf control.tar.gz --owner=0 --group=0 -C control .",
                "ar rc older.deb debian-binary control.tar.gz data.tar",
                "rm -rf control data data.tar control.tar.gz debian-binary root.list radmfa.list");
        Commands.Result result = Commands.run(work, Map.of(), null, Duration.ofSeconds(300),
                List.of("sh", "-c", script));
        assertEquals(result.toString(), 0, result.exitCode);
        return work.resolve("older.deb");
    }

    private static void accounting(int acctPort, String secret, String session) {
        Commands.Result result = Commands.run(Paths.get("/"), Map.of(), "User-Name = demo\nAcct-Status-Type = Start\n"
                + "Acct-Session-Id = " + session + "\nNAS-IP-Address = 127.0.0.1\n", Duration.ofSeconds(60),
                List.of("radclient", "-x", "-r", "3", "-t", "5", "127.0.0.1:" + acctPort, "acct", secret));
        assertTrue(result.toString(), result.output.contains("Received Accounting-Response"));
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new AssertionError(file + ": " + e, e);
        }
    }

    /** Every regular file under the folder, concatenated; empty if it does not exist yet. */
    private static String contents(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(file -> all.append(new String(readAll(file),
                    StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return all.toString();
    }

    /** As an operator edits conffiles: free ports, so that the test never meets another appliance on this host. */
    private static void editPorts(int[] udp, int[] tcp) throws IOException {
        PropertiesFiles.put(ETC.resolve("org.radmfa.transport.cfg"), "authPort", String.valueOf(udp[0]));
        PropertiesFiles.put(ETC.resolve("org.radmfa.transport.cfg"), "acctPort", String.valueOf(udp[1]));
        PropertiesFiles.put(ETC.resolve("org.apache.karaf.shell.cfg"), "sshPort", String.valueOf(tcp[0]));
        PropertiesFiles.put(ETC.resolve("org.ops4j.pax.web.cfg"), "org.osgi.service.http.port",
                String.valueOf(tcp[1]));
        PropertiesFiles.put(ETC.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort", String.valueOf(tcp[2]));
        PropertiesFiles.put(ETC.resolve("org.apache.karaf.management.cfg"), "rmiServerPort", String.valueOf(tcp[3]));
    }

    /**
     * The unit's commands (ExecStartPre, then ExecStart in the background), as its user, with its environment, read
     * from the unit installed now; returns once radtest demo is accepted with the given client secret.
     */
    private void startService(int authPort, String secret) throws IOException {
        List<String> unit = Files.readAllLines(UNIT, StandardCharsets.UTF_8);
        String user = unitValue(unit, "User");
        List<String> env = new ArrayList<>(List.of("env", "JAVA_HOME=" + System.getProperty("java.home")));
        env.addAll(List.of(unitValue(unit, "Environment").split(" ")));
        List<String> startPre = new ArrayList<>(List.of("runuser", "-u", user, "--"));
        startPre.addAll(env);
        startPre.addAll(List.of(unitValue(unit, "ExecStartPre").split(" ")));
        ok(startPre.toArray(String[]::new));

        List<String> start = new ArrayList<>(List.of("runuser", "-u", user, "--"));
        start.addAll(env);
        start.addAll(List.of(unitValue(unit, "ExecStart").split(" ")));
        Path itestDir = Files.createDirectories(Paths.get(System.getProperty("radmfa.itest.dir")));
        service = new ProcessBuilder(start).redirectErrorStream(true)
                .redirectOutput(itestDir.resolve("deb-karaf.out").toFile()).start();
        Await.until("radtest demo accepted by the packaged appliance", START_TIMEOUT, () -> {
            if (!service.isAlive()) {
                throw new AssertionError("the service's command exited: " + logTail());
            }
            return run("radtest", "demo", "demo-password", "127.0.0.1:" + authPort, "0", secret).output
                    .contains("Received Access-Accept");
        });
    }

    private static String logTail() {
        Path log = Paths.get("/var/log/radmfa/karaf.log");
        try {
            if (!Files.exists(log)) {
                return "(no /var/log/radmfa/karaf.log)";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** SIGTERM to Karaf by its PID file (as systemd would), then to whatever is left of the command. */
    private void stopService() throws Exception {
        if (service == null) {
            return;
        }
        Path pidFile = Paths.get("/var/lib/radmfa/karaf.pid");
        Optional<ProcessHandle> karaf = Files.exists(pidFile)
                ? ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())) : Optional.empty();
        if (karaf.isPresent()) {
            karaf.get().destroy();
            try {
                karaf.get().onExit().get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                karaf.get().destroyForcibly();
            }
        }
        service.descendants().forEach(ProcessHandle::destroyForcibly);
        service.destroyForcibly();
        service.waitFor(30, TimeUnit.SECONDS);
        service = null;
    }
}
