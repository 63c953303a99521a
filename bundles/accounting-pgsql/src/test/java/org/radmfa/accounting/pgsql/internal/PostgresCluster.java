package org.radmfa.accounting.pgsql.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A private PostgreSQL cluster for tests: initdb into a temporary directory, postgres on a free port of 127.0.0.1
 * only, its unix socket in that directory, password (SCRAM) authentication. The binaries are found under
 * {@code /usr/lib/postgresql/<version>/bin} (Debian's postgresql package), the newest version first, or in the
 * directory named by the environment variable {@code PG_BIN}. When none is found the test fails with a message
 * saying what to install: it never skips.
 * <p>
 * PostgreSQL refuses to run as root, so when the tests run as root (as here and in CI) initdb and pg_ctl run as the
 * {@code postgres} user through {@code runuser}, in a directory that user owns.
 * <p>
 * As a JUnit 5 extension ({@code @ExtendWith(PostgresCluster.Extension.class)}) one cluster serves the whole test
 * run and is stopped and deleted at its end; test methods get it as a parameter.
 */
final class PostgresCluster implements AutoCloseable {
    static final String SUPERUSER_PASSWORD = "su-" + UUID.randomUUID();
    private static final long COMMAND_SECONDS = 60;

    private final Path bin;
    private final Path root;
    private final Path data;
    private final Path sockets;
    private final int port;
    private final boolean asPostgres;
    private boolean running;

    private PostgresCluster(Path bin, Path root, int port, boolean asPostgres) {
        this.bin = bin;
        this.root = root;
        this.data = root.resolve("data");
        this.sockets = root.resolve("sockets");
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** Finds the binaries, initialises a cluster and starts it. */
    static PostgresCluster start() throws IOException, InterruptedException {
        Path bin = findBinaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("radmfa-pg-");
        PostgresCluster cluster = new PostgresCluster(bin, dir, freePort(), root);
        try {
            cluster.init();
            cluster.startServer();
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    static Path findBinaries() {
        String override = System.getenv("PG_BIN");
        List<Path> candidates = new ArrayList<>();
        if (override != null && !override.isBlank()) {
            candidates.add(Path.of(override));
        }
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                versions.map(v -> v.resolve("bin"))
                        .sorted(Comparator.comparing((Path p) -> versionOf(p)).reversed())
                        .forEach(candidates::add);
            } catch (IOException e) {
                fail("Cannot list " + base + ": " + e);
            }
        }
        for (Path candidate : candidates) {
            if (Stream.of("initdb", "pg_ctl", "postgres").allMatch(n -> Files.isExecutable(candidate.resolve(n)))) {
                return candidate;
            }
        }
        return fail("No PostgreSQL server binaries (initdb, pg_ctl, postgres) in /usr/lib/postgresql/*/bin"
                + (override == null ? "" : " or PG_BIN=" + override)
                + ". These tests run a real PostgreSQL: install the Debian package 'postgresql' "
                + "(apt-get install postgresql); no server needs to be running, the tests start their own.");
    }

    private static int versionOf(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void init() throws IOException, InterruptedException {
        Files.createDirectories(sockets);
        Path pwfile = root.resolve("pwfile");
        Files.writeString(pwfile, SUPERUSER_PASSWORD + "\n", StandardCharsets.UTF_8);
        if (asPostgres) {
            PosixFileAttributeView view = Files.getFileAttributeView(root, PosixFileAttributeView.class);
            var lookup = root.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal user = lookup.lookupPrincipalByName("postgres");
            GroupPrincipal group = lookup.lookupPrincipalByGroupName("postgres");
            for (Path p : List.of(root, sockets, pwfile)) {
                PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                v.setOwner(user);
                v.setGroup(group);
            }
            view.setPermissions(PosixFilePermissions.fromString("rwx------"));
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "--auth=scram-sha-256", "--pwfile=" + pwfile, "-E", "UTF8", "--locale=C", "--no-sync"));
    }

    void startServer() throws IOException, InterruptedException {
        String options = "-c listen_addresses=127.0.0.1 -c port=" + port + " -c unix_socket_directories=" + sockets
                + " -c max_connections=30 -c shared_buffers=16MB -c fsync=on";
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", root.resolve("server.log")
                .toString(), "-w", "-t", "30", "-o", options, "start"));
        running = true;
    }

    /** Stops the server; {@code immediate} is a crash (no checkpoint, connections cut). */
    void stopServer(boolean immediate) throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", immediate ? "immediate" : "fast",
                "-w", "-t", "30", "stop"));
        running = false;
    }

    int port() {
        return port;
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A new database owned by a new role with that password; returns its JDBC URL. */
    String createDatabase(String name, String owner, String password) throws SQLException {
        try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + owner + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
            s.execute("CREATE DATABASE " + name + " OWNER " + owner);
        }
        return url(name);
    }

    Connection superuser(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", SUPERUSER_PASSWORD);
        return DriverManager.getConnection(url(database), p);
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path output = Files.createTempFile("radmfa-pg-cmd", ".log");
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile())
                    .directory(root.toFile()).start();
            if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in " + COMMAND_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                String log = Files.exists(root.resolve("server.log")) ? Files.readString(root.resolve("server.log"))
                        : "";
                fail(String.join(" ", full) + " failed with exit code " + process.exitValue() + ":\n"
                        + Files.readString(output) + log);
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (running) {
                stopServer(false);
            }
        } finally {
            if (Files.exists(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** One cluster for the whole test run, handed to test methods that ask for a {@link PostgresCluster}. */
    static final class Extension implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == PostgresCluster.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.create(PostgresCluster.class))
                    .getOrComputeIfAbsent("cluster", key -> new Resource(), Resource.class).cluster;
        }
    }

    private static final class Resource implements ExtensionContext.Store.CloseableResource {
        final PostgresCluster cluster;

        Resource() {
            try {
                cluster = PostgresCluster.start();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws Throwable {
            cluster.close();
        }
    }
}
