package org.radmfa.itests;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private FreeRADIUS 3 (Debian's freeradius package) on loopback, as bench/run.sh runs one: a copy of
 * /etc/freeradius/3.0 in its own directory, the stock default virtual server listening on 127.0.0.1 and the given
 * ports only, one client (127.0.0.1 with the given secret), users prepended to mods-config/files/authorize. Started
 * in the foreground as a child process, stopped by its PID.
 */
final class FreeRadius implements AutoCloseable {
    private static final Path STOCK = Path.of("/etc/freeradius/3.0");

    final int authPort;
    final int acctPort;
    final Path dir;
    private final Path output;
    private Process process;

    /**
     * @param users lines for mods-config/files/authorize, e.g. {@code alice Cleartext-Password := "x"} followed by
     *     indented reply items
     */
    FreeRadius(Path workDir, String name, String secret, List<String> users) throws IOException {
        int[] ports = FreePorts.udp(2);
        this.authPort = ports[0];
        this.acctPort = ports[1];
        this.dir = Files.createTempDirectory(workDir, "freeradius-" + name + "-");
        this.output = workDir.resolve("freeradius-" + name + ".out");
        Files.delete(dir);
        Commands.Result copy = Commands.run(workDir, Map.of(), null, Duration.ofSeconds(30),
                List.of("cp", "-a", STOCK.toString(), dir.toString()));
        if (copy.exitCode != 0) {
            throw new IOException("cannot copy " + STOCK + ": " + copy);
        }
        for (String sub : List.of("log", "run", "radacct")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Path radiusd = dir.resolve("radiusd.conf");
        String conf = Files.readString(radiusd, StandardCharsets.UTF_8)
                .replaceAll("(?m)^\\s*logdir = .*$", "logdir = " + dir.resolve("log"))
                .replaceAll("(?m)^\\s*run_dir = .*$", "run_dir = " + dir.resolve("run"))
                .replaceAll("(?m)^\\s*radacctdir = .*$", "radacctdir = " + dir.resolve("radacct"))
                // It runs as the user that starts it (the test's), in a directory only that user may need to read.
                .replaceAll("(?m)^\\s*(user|group) = .*$", "");
        Files.writeString(radiusd, conf, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("clients.conf"), "client appliance {\n\tipaddr = 127.0.0.1\n\tsecret = "
                + secret + "\n}\n", StandardCharsets.UTF_8);
        Path authorize = dir.resolve("mods-config/files/authorize");
        String stockUsers = Files.readString(STOCK.resolve("mods-config/files/authorize"), StandardCharsets.UTF_8);
        Files.delete(authorize);
        Files.writeString(authorize, String.join("\n", users) + "\n\n" + stockUsers, StandardCharsets.UTF_8);
        for (String site : List.of("default", "inner-tunnel")) {
            Path enabled = dir.resolve("sites-enabled").resolve(site);
            Files.deleteIfExists(enabled);
            String text = Files.readString(dir.resolve("sites-available").resolve(site), StandardCharsets.UTF_8);
            Files.writeString(enabled, site.equals("default") ? listeners(text, authPort, acctPort)
                    : listeners(text, -1, -1), StandardCharsets.UTF_8);
        }
    }

    /**
     * The site's top-level listen sections rewritten: IPv6 ones removed, the others on 127.0.0.1 and the given
     * ports; all removed when {@code auth} is -1 (the inner tunnel needs no listener of its own).
     */
    static String listeners(String site, int auth, int acct) {
        StringBuilder out = new StringBuilder();
        StringBuilder block = null;
        for (String line : site.split("\n", -1)) {
            if (block == null && line.matches("^listen\\s*\\{.*")) {
                block = new StringBuilder();
            }
            if (block == null) {
                out.append(line).append('\n');
                continue;
            }
            block.append(line).append('\n');
            if (line.startsWith("}")) {
                String text = block.toString();
                block = null;
                if (auth < 0 || text.matches("(?s).*\\n\\s*ipv6addr\\s*=.*")) {
                    continue;
                }
                int port = text.matches("(?s).*type = acct.*") ? acct : auth;
                out.append(text.replace("ipaddr = *", "ipaddr = 127.0.0.1").replace("port = 0", "port = " + port));
            }
        }
        return out.toString();
    }

    /** Starts it and waits until it says it is ready. */
    FreeRadius start() {
        List<String> command = new ArrayList<>(List.of("freeradius", "-f", "-l", "stdout", "-d", dir.toString()));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        Await.until("FreeRADIUS on 127.0.0.1:" + authPort + " ready (" + output + ")", Duration.ofSeconds(30),
                () -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("FreeRADIUS exited: " + log());
                    }
                    return log().contains("Ready to process requests");
                });
        return this;
    }

    /** Stops it (SIGTERM, then SIGKILL) and waits until it is gone. */
    void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String log() {
        try {
            return output.toFile().exists() ? Files.readString(output, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + output + ": " + e + ")";
        }
    }

    static boolean installed() {
        return Commands.onPath("freeradius") && new File(STOCK.toFile(), "radiusd.conf").exists();
    }

    @Override
    public void close() throws IOException {
        stop();
        RunningAppliance.deleteTree(dir);
    }
}
