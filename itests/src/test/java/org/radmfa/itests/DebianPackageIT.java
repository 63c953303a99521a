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

    @Test
    public void installRunRemovePurge() throws Exception {
        assumeTrue("needs root", "root".equals(System.getProperty("user.name")));
        assumeTrue("needs dpkg", Commands.onPath("dpkg"));
        assumeTrue("radmfa is installed on this machine: not touching it", !installed() && !Files.exists(ETC));
        assertTrue("radtest not found: install freeradius-utils", Commands.onPath("radtest"));
        Path deb;
        try (Stream<Path> files = Files.list(Paths.get(System.getProperty("radmfa.deb.dir")))) {
            deb = files.filter(file -> file.getFileName().toString().matches("radmfa_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no radmfa_*_all.deb: build the deb module first"));
        }

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

        // As an operator edits conffiles: free ports, so that the test never meets another appliance on this host.
        int[] udp = FreePorts.udp(2);
        int[] tcp = FreePorts.tcp(4);
        PropertiesFiles.put(ETC.resolve("org.radmfa.transport.cfg"), "authPort", String.valueOf(udp[0]));
        PropertiesFiles.put(ETC.resolve("org.radmfa.transport.cfg"), "acctPort", String.valueOf(udp[1]));
        PropertiesFiles.put(ETC.resolve("org.apache.karaf.shell.cfg"), "sshPort", String.valueOf(tcp[0]));
        PropertiesFiles.put(ETC.resolve("org.ops4j.pax.web.cfg"), "org.osgi.service.http.port",
                String.valueOf(tcp[1]));
        PropertiesFiles.put(ETC.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort", String.valueOf(tcp[2]));
        PropertiesFiles.put(ETC.resolve("org.apache.karaf.management.cfg"), "rmiServerPort", String.valueOf(tcp[3]));

        // The unit's commands, as its user, with its environment.
        String user = unitValue(unit, "User");
        List<String> env = new ArrayList<>(List.of("env", "JAVA_HOME=" + System.getProperty("java.home")));
        env.addAll(List.of(unitValue(unit, "Environment").split(" ")));
        List<String> startPre = new ArrayList<>(List.of("runuser", "-u", user, "--"));
        startPre.addAll(env);
        startPre.addAll(List.of(unitValue(unit, "ExecStartPre").split(" ")));
        ok(startPre.toArray(String[]::new));
        String users = Files.readString(ETC.resolve("users.properties"), StandardCharsets.UTF_8);
        assertTrue("admin password generated on first start", users.matches("(?s).*\\nadmin = [A-Za-z0-9]{24},.*"));

        List<String> start = new ArrayList<>(List.of("runuser", "-u", user, "--"));
        start.addAll(env);
        start.addAll(List.of(unitValue(unit, "ExecStart").split(" ")));
        Path itestDir = Files.createDirectories(Paths.get(System.getProperty("radmfa.itest.dir")));
        started = System.nanoTime();
        service = new ProcessBuilder(start).redirectErrorStream(true)
                .redirectOutput(itestDir.resolve("deb-karaf.out").toFile()).start();
        Await.until("radtest demo accepted by the packaged appliance", START_TIMEOUT, () -> {
            if (!service.isAlive()) {
                throw new AssertionError("the service's command exited: " + logTail());
            }
            return run("radtest", "demo", "demo-password", "127.0.0.1:" + udp[0], "0", SECRET).output
                    .contains("Received Access-Accept");
        });
        System.out.printf("DebianPackageIT: ExecStart -> Access-Accept %d ms%n",
                (System.nanoTime() - started) / 1_000_000);
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
