package org.radmfa.mfa.entra.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Entra emulator as a program of its own, in its own JVM, for benchmarks: its threads and heap are not the
 * appliance's. Every user it knows approves the push after the same delay.
 *
 * <pre>
 * java -cp radmfa-mfa-entra-VERSION-tests.jar org.radmfa.mfa.entra.internal.EntraEmulatorMain \
 *     --port 0 --approve-after 20 --user mfa-bench --truststore /tmp/entra-trust.p12 --config /tmp/entra.cfg
 * </pre>
 *
 * It writes the trust store (the emulator's certificate, for the appliance to trust) and, last, the connector
 * configuration ({@code etc/org.radmfa.mfa.entra.cfg} lines): a script waits for that file to know the emulator is
 * up. It prints one {@code EMULATOR} line of counters every {@code --report-seconds} and stops after
 * {@code --max-seconds} or on SIGTERM.
 */
public final class EntraEmulatorMain {

    private EntraEmulatorMain() {
    }

    /** The command line. */
    static final class Options {
        int port;
        String host = "127.0.0.1";
        int approveAfterSeconds = 20;
        List<String> users = new ArrayList<>();
        Path trustStore;
        Path config;
        int threads = 8;
        int reportSeconds = 10;
        int maxSeconds = 3600;
        int approveSpreadSeconds;
        int http2Streams;
        Path logins;
        int warmUp;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    throw new IllegalArgumentException("");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String v = args[++i];
                switch (arg) {
                    case "--port" -> o.port = range(arg, v, 0, 65535);
                    case "--host" -> o.host = v;
                    case "--approve-after" -> o.approveAfterSeconds = range(arg, v, 0, 3600);
                    case "--user" -> o.users.add(v);
                    case "--truststore" -> o.trustStore = Path.of(v);
                    case "--config" -> o.config = Path.of(v);
                    case "--threads" -> o.threads = range(arg, v, 1, 256);
                    case "--report-seconds" -> o.reportSeconds = range(arg, v, 0, 3600);
                    case "--max-seconds" -> o.maxSeconds = range(arg, v, 1, 86_400);
                    case "--approve-spread" -> o.approveSpreadSeconds = range(arg, v, 0, 3600);
                    case "--http2-streams" -> o.http2Streams = range(arg, v, 0, 1_000_000);
                    case "--logins" -> o.logins = Path.of(v);
                    case "--warm-up" -> o.warmUp = range(arg, v, 0, 1_000_000);
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (o.users.isEmpty()) {
                o.users.add("mfa-demo");
            }
            return o;
        }

        private static int range(String name, String text, int min, int max) {
            int value;
            try {
                value = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": not a number: " + text);
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be in " + min + ".." + max);
            }
            return value;
        }
    }

    static String usage() {
        return """
                usage: EntraEmulatorMain [options]
                  --port N             HTTPS port; 0: any free port (0)
                  --host IP            the address to listen on, in its URLs and certificate (127.0.0.1)
                  --approve-after S    seconds a push stays pending before it is approved (20)
                  --approve-spread S   plus a uniformly random part of S seconds, per push (0)
                  --http2-streams N    serve HTTP/2 (and HTTP/1.1) by ALPN on Jetty, advertising N as
                                       SETTINGS_MAX_CONCURRENT_STREAMS; 0: the JDK's HTTP/1.1 server (0)
                  --logins FILE        on exit, write one line per Begin: contextId callerIp upn syncCall
                                       beginArrivalMicros answeredAtMicros (epoch microseconds)
                  --user NAME          a Graph user enrolled for push and phone, as UPN, samAccountName and mail;
                                       repeatable (mfa-demo)
                  --truststore FILE    write a PKCS#12 trust store with the emulator's certificate here
                                       (password: emulator)
                  --config FILE        write the connector's configuration here once serving (its trustStore
                                       points at --truststore when given)
                  --warm-up N          before serving, N logins (a token, held Begins approved at once) from
                                       inside this JVM, so that its code is compiled, as the real service's is (0)
                  --threads N          threads serving HTTP requests (8)
                  --report-seconds S   print counters every S seconds; 0: never (10)
                  --max-seconds S      stop after S seconds (3600)""";
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("EntraEmulatorMain: " + e.getMessage());
            }
            System.err.println(usage());
            System.exit(2);
            return;
        }
        // The JDK's HTTP server writes a response's headers and body separately; with Nagle's algorithm on, the
        // second write waits for the client's delayed ACK (40 ms on Linux): a few hundred calls a second at most.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        CountDownLatch stop = new CountDownLatch(1);
        try (EntraEmulator emulator = options.http2Streams > 0
                ? EntraEmulator.startHttp2(options.port, options.threads, options.host, options.http2Streams)
                : EntraEmulator.start(options.port, options.threads, options.host)) {
            // Thousands of polls a second: keep counters, not a list of every request.
            emulator.recordRequests(false);
            if (options.warmUp > 0) {
                long started = System.nanoTime();
                // The warm-up's client (the JDK's) keeps to one HTTP/2 connection: half its streams at most.
                EmulatorWarmUp.run(emulator, options.warmUp, options.http2Streams > 0
                        ? Math.max(1, Math.min(200, options.http2Streams / 2)) : 200);
                System.out.printf(Locale.ROOT, "warm-up: %d logins served in %.1f s%n", options.warmUp,
                        (System.nanoTime() - started) / 1e9);
            }
            Duration delay = Duration.ofSeconds(options.approveAfterSeconds);
            emulator.spreadApprovals(Duration.ofSeconds(options.approveSpreadSeconds));
            emulator.recordLogins(options.logins != null);
            for (String user : options.users) {
                emulator.addUser(user, user, user, Set.of("push", "phone"), EntraEmulator.Outcome.APPROVE, delay);
            }
            Map<String, Object> configuration = emulator.configuration();
            if (options.trustStore != null) {
                Files.copy(emulator.trustStore(), options.trustStore, StandardCopyOption.REPLACE_EXISTING);
                configuration.put("trustStore", options.trustStore.toAbsolutePath().toString());
            }
            StringBuilder cfg = new StringBuilder("# The Entra connector against the emulator on " + emulator.baseUrl()
                    + "\n");
            configuration.forEach((key, value) -> cfg.append(key).append(" = ").append(value).append('\n'));
            if (options.config != null) {
                // Written whole, then renamed: a reader never sees half a file.
                Path partial = options.config.resolveSibling(options.config.getFileName() + ".partial");
                Files.writeString(partial, cfg, StandardCharsets.UTF_8);
                Files.move(partial, options.config, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            System.out.printf(Locale.ROOT, "Entra emulator on %s (%s): %d users, push approved after %d s + up to %d"
                    + " s, %d threads%n", emulator.baseUrl(), options.http2Streams > 0 ? "HTTP/2 by ALPN, "
                            + options.http2Streams + " streams per connection" : "HTTP/1.1",
                    options.users.size(), options.approveAfterSeconds, options.approveSpreadSeconds, options.threads);
            System.out.flush();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                if (options.logins != null) {
                    // Written here: a script stops the emulator with SIGTERM, then reads the file.
                    try {
                        emulator.writeLogins(options.logins);
                    } catch (IOException e) {
                        System.err.println("EntraEmulatorMain: writing " + options.logins + ": " + e);
                    }
                }
            }, "entra-emulator-stop"));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.maxSeconds);
            long lastRequests = 0;
            long lastAt = System.nanoTime();
            while (true) {
                long left = end - System.nanoTime();
                long wait = options.reportSeconds > 0 ? Math.min(left, TimeUnit.SECONDS.toNanos(options.reportSeconds))
                        : left;
                if (wait <= 0 || stop.await(wait, TimeUnit.NANOSECONDS)) {
                    break;
                }
                if (options.reportSeconds > 0) {
                    long now = System.nanoTime();
                    long served = emulator.requestsServed();
                    System.out.printf(Locale.ROOT, "EMULATOR tokens=%d started=%d polls=%d held=%d requests=%d"
                            + " rps=%.0f%n", emulator.tokenRequests(), emulator.authenticationsStarted(),
                            emulator.polls(), emulator.heldBegins(), served,
                            (served - lastRequests) * 1e9 / (now - lastAt));
                    System.out.flush();
                    lastRequests = served;
                    lastAt = now;
                }
            }
            System.out.printf(Locale.ROOT, "EMULATOR stopping: tokens=%d started=%d polls=%d requests=%d%n",
                    emulator.tokenRequests(), emulator.authenticationsStarted(), emulator.polls(),
                    emulator.requestsServed());
        } catch (IOException e) {
            System.err.println("EntraEmulatorMain: " + e);
            System.exit(1);
        }
    }
}
