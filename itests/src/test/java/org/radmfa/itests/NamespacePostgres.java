package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server (Debian's package, /usr/lib/postgresql/&lt;version&gt;/bin) in a network namespace
 * the test made, listening on one address there (or on loopback at a free port, {@link #onLoopback}), with password
 * (SCRAM) authentication for one role and database.
 * As root, initdb, pg_ctl and psql run as the {@code postgres} user through runuser. The test reads the database
 * with psql over the server's unix socket, in a directory only that user can enter.
 */
final class NamespacePostgres implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /** Null: the test's own network namespace (loopback only). */
    private final String namespace;
    private final String address;
    private final int port;
    private final Path bin;
    private final Path root;
    private final boolean asPostgres;
    private boolean running;

    private NamespacePostgres(String namespace, String address, int port, Path bin, Path root, boolean asPostgres) {
        this.namespace = namespace;
        this.address = address;
        this.port = port;
        this.bin = bin;
        this.root = root;
        this.asPostgres = asPostgres;
    }

    /**
     * initdb, a pg_hba line that lets {@code role} in from {@code network} with its password, start, and the role
     * and its database.
     */
    static NamespacePostgres start(String namespace, String address, String network, String database, String role,
            String password) throws IOException {
        return start(namespace, address, 5432, network, database, role, password);
    }

    /** As {@link #start}, in the test's own namespace, on 127.0.0.1 at {@code port}. */
    static NamespacePostgres onLoopback(int port, String database, String role, String password) throws IOException {
        return start(null, "127.0.0.1", port, "127.0.0.1/32", database, role, password);
    }

    private static NamespacePostgres start(String namespace, String address, int port, String network,
            String database, String role, String password) throws IOException {
        Path bin = binaries();
        boolean asPostgres = "root".equals(System.getProperty("user.name"));
        Path root = Files.createTempDirectory("radmfa-pg-");
        NamespacePostgres server = new NamespacePostgres(namespace, address, port, bin, root, asPostgres);
        try {
            Files.createDirectories(root.resolve("sockets"));
            if (asPostgres) {
                server.must(List.of("chown", "-R", "postgres:postgres", root.toString()), false);
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
            }
            server.must(List.of(bin.resolve("initdb").toString(), "-D", server.data().toString(), "-U", "postgres",
                    "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"), true);
            Files.writeString(server.data().resolve("pg_hba.conf"), "host " + database + " " + role + " " + network
                    + " scram-sha-256\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            server.startServer();
            server.psql("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
            server.psql("postgres", "CREATE DATABASE " + database + " OWNER " + role);
        } catch (IOException | RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static Path binaries() {
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                for (Path candidate : versions.map(v -> v.resolve("bin")).sorted(Comparator.reverseOrder()).toList()) {
                    if (Stream.of("initdb", "pg_ctl", "psql").allMatch(n -> Files.isExecutable(candidate.resolve(n)))) {
                        return candidate;
                    }
                }
            } catch (IOException e) {
                fail("Cannot list " + base + ": " + e);
            }
        }
        throw new AssertionError("No PostgreSQL server binaries in /usr/lib/postgresql/*/bin: install the Debian "
                + "package 'postgresql' (./test.sh does); the test starts its own server");
    }

    private Path data() {
        return root.resolve("data");
    }

    /** pg_ctl start (waits until it accepts connections). */
    void startServer() {
        String options = "-c listen_addresses=" + address + " -c port=" + port + " -c unix_socket_directories="
                + root.resolve("sockets") + " -c max_connections=40 -c shared_buffers=16MB";
        must(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l", root.resolve("server.log")
                .toString(), "-w", "-t", "30", "-o", options, "start"), true);
        running = true;
    }

    /** pg_ctl stop, fast mode: open connections are cut. */
    void stopServer() {
        must(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w", "-t", "30",
                "stop"), true);
        running = false;
    }

    /** One statement through psql as the superuser: its rows, one a line, columns separated by '|'. */
    String psql(String database, String sql) {
        return must(List.of(bin.resolve("psql").toString(), "-h", root.resolve("sockets").toString(), "-p",
                String.valueOf(port), "-U", "postgres", "-d", database, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
                "-c", sql), true).trim();
    }

    /** A count through psql, or -1 while it cannot be read (the table not created yet, the server away). */
    long count(String database, String sql) {
        Commands.Result result = run(List.of(bin.resolve("psql").toString(), "-h", root.resolve("sockets").toString(),
                "-p", String.valueOf(port), "-U", "postgres", "-d", database, "-X", "-A", "-t", "-q", "-v",
                "ON_ERROR_STOP=1", "-c", sql), true);
        try {
            return result.exitCode == 0 ? Long.parseLong(result.output.trim()) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Commands.Result run(List<String> command, boolean asServerUser) {
        List<String> full = new ArrayList<>(namespace == null ? List.of() : List.of("ip", "netns", "exec", namespace));
        if (asServerUser && asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        return Commands.run(root, Map.of(), null, COMMAND_TIMEOUT, full);
    }

    private String must(List<String> command, boolean asServerUser) {
        Commands.Result result = run(command, asServerUser);
        if (result.exitCode != 0) {
            String log = "";
            try {
                Path serverLog = root.resolve("server.log");
                log = Files.exists(serverLog) ? "\nserver.log:\n" + Files.readString(serverLog) : "";
            } catch (IOException e) {
                log = "";
            }
            assertEquals(result + log, 0, result.exitCode);
        }
        return result.output;
    }

    @Override
    public void close() throws IOException {
        try {
            if (running) {
                must(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w",
                        "-t", "30", "stop"), true);
                running = false;
            }
        } finally {
            RunningAppliance.deleteTree(root);
        }
    }
}
