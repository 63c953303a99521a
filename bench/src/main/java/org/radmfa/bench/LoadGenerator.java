package org.radmfa.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.radmfa.radius.codec.AttributeType;
import org.radmfa.radius.codec.PacketBuilder;
import org.radmfa.radius.codec.PacketCode;
import org.radmfa.radius.codec.RadiusCrypto;
import org.radmfa.radius.codec.Verification;

/**
 * A RADIUS PAP load generator: Access-Requests with a hidden User-Password (RFC 2865 section 5.2) and a
 * Message-Authenticator (RFC 3579 section 3.2), a window of outstanding requests spread over several UDP sockets, all
 * served by one thread and one {@link Selector}. Every response's Response Authenticator is verified (and its
 * Message-Authenticator when it has one); an Access-Accept counts only once verified. The packets are the radius-codec
 * module's: a template built once, then the authenticator, hidden password and Message-Authenticator rewritten in place
 * for each request, and answers verified without allocating.
 *
 * <p>Closed loop by default (a new request as soon as one is answered: the server's maximum throughput); with
 * {@code --rate} open loop (requests at a fixed rate, at most {@code --window} outstanding: latency at a given load).
 * Latency runs from the moment a request is written to the moment its answer is read. Every run is bounded by
 * {@code --requests} and {@code --max-seconds}; the target must be a loopback address.
 *
 * <p>It reports plain lines and one machine-readable {@code RESULT} line, with the generator's own CPU time (and,
 * with {@code --server-pid}, the server's), so that a reader can see the generator is not what limits the figures.
 */
public final class LoadGenerator {

    private static final int NAS_PORT_TYPE_VIRTUAL = 5; // a VPN
    private static final int IDS = 256;
    private static final long NANOS = 1_000_000_000L;

    /** The command line, with defaults. */
    static final class Options {
        String name = "bench";
        String host = "127.0.0.1";
        int port = 1812;
        String secret = "testing123";
        String user = "bench";
        String password = "bench-password";
        long requests = 100_000;
        int window = 64;
        int sockets = 4;
        double maxSeconds = 60;
        int timeoutMs = 2000;
        long warmup = 0;
        double rate = 0;
        double waitAcceptSeconds = 0;
        long sinceEpochMs = 0;
        String startCommand;
        int serverPid = 0;
        boolean expectMessageAuthenticator;

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
                    case "--name" -> o.name = v;
                    case "--host" -> o.host = v;
                    case "--port" -> o.port = range(arg, Integer.parseInt(v), 1, 65535);
                    case "--secret" -> o.secret = v;
                    case "--user" -> o.user = v;
                    case "--password" -> o.password = v;
                    case "--requests" -> o.requests = range(arg, Long.parseLong(v), 1, 100_000_000);
                    case "--window" -> o.window = range(arg, Integer.parseInt(v), 1, 65_536);
                    case "--sockets" -> o.sockets = range(arg, Integer.parseInt(v), 1, 256);
                    case "--max-seconds" -> o.maxSeconds = range(arg, Double.parseDouble(v), 0.1, 3600);
                    case "--timeout-ms" -> o.timeoutMs = range(arg, Integer.parseInt(v), 1, 60_000);
                    case "--warmup" -> o.warmup = range(arg, Long.parseLong(v), 0, 100_000_000);
                    case "--rate" -> o.rate = range(arg, Double.parseDouble(v), 0, 10_000_000);
                    case "--wait-accept-seconds" -> o.waitAcceptSeconds = range(arg, Double.parseDouble(v), 0, 600);
                    case "--since-epoch-ms" -> o.sinceEpochMs = Long.parseLong(v);
                    case "--start-command" -> o.startCommand = v;
                    case "--server-pid" -> o.serverPid = range(arg, Integer.parseInt(v), 0, Integer.MAX_VALUE);
                    case "--expect-message-authenticator" -> o.expectMessageAuthenticator = flag(arg, v);
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if ((o.window + o.sockets - 1) / o.sockets > IDS) {
                throw new IllegalArgumentException("--window / --sockets must be at most " + IDS
                        + " (one RADIUS Identifier per outstanding request and socket)");
            }
            if (o.password.getBytes(StandardCharsets.UTF_8).length > 128) {
                throw new IllegalArgumentException("--password: at most 128 octets (RFC 2865)");
            }
            return o;
        }

        private static boolean flag(String name, String value) {
            return switch (value) {
                case "true", "yes" -> true;
                case "false", "no" -> false;
                default -> throw new IllegalArgumentException(name + " must be true or false");
            };
        }

        private static int range(String name, int value, int min, int max) {
            return (int) range(name, (long) value, min, max);
        }

        private static long range(String name, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be in " + min + ".." + max);
            }
            return value;
        }

        private static double range(String name, double value, double min, double max) {
            if (!(value >= min && value <= max)) {
                throw new IllegalArgumentException(name + " must be in " + min + ".." + max);
            }
            return value;
        }
    }

    /** One UDP socket, connected to the server, and the requests outstanding on it (indexed by Identifier). */
    private static final class Conn {
        final DatagramChannel channel;
        final int window;
        final boolean[] busy = new boolean[IDS];
        final long[] sentAt = new long[IDS];
        final byte[][] requestAuthenticator = new byte[IDS][16];
        final byte[] packet;
        final ByteBuffer out;
        final ByteBuffer in = ByteBuffer.allocate(4097);
        int outstanding;
        int nextId;

        Conn(DatagramChannel channel, int window, byte[] template) {
            this.channel = channel;
            this.window = window;
            this.packet = template.clone();
            this.out = ByteBuffer.wrap(packet);
        }
    }

    /** What one phase (warm-up, measurement, probe) counted. */
    private static final class Tally {
        long sent;
        long accepted;
        long rejected;
        long challenged;
        long badAuthenticator;
        long missingMessageAuthenticator;
        long lost;
        long stray;
        long sendFailures;
        long unreachable;
        long behindSchedule;
        long[] latencies;
        int recorded;

        long completed() {
            return accepted + rejected + challenged + badAuthenticator + missingMessageAuthenticator + lost;
        }

        long wrong() {
            return rejected + challenged + badAuthenticator + missingMessageAuthenticator;
        }
    }

    private final Options options;
    private final byte[] password;
    private final RadiusCrypto crypto;
    private final byte[] template;
    private final int passwordOffset;
    private final int passwordLength;
    private final int messageAuthenticatorOffset;
    private final List<Conn> conns = new ArrayList<>();
    private Selector selector;
    private long randomState;

    LoadGenerator(Options options) {
        this.options = options;
        this.crypto = new RadiusCrypto(options.secret.getBytes(StandardCharsets.UTF_8));
        this.password = options.password.getBytes(StandardCharsets.UTF_8);
        this.randomState = new SecureRandom().nextLong() | 1;

        byte[] user = options.user.getBytes(StandardCharsets.UTF_8);
        if (user.length == 0 || user.length > 253) {
            throw new IllegalArgumentException("--user: 1..253 octets");
        }
        // The template: send() rewrites the Identifier, the Request Authenticator, the hidden password and the
        // Message-Authenticator in place.
        PacketBuilder builder = new PacketBuilder(PacketCode.ACCESS_REQUEST, 0, new byte[16])
                .add(AttributeType.USER_NAME, user)
                .addUserPassword(password, crypto);
        passwordOffset = builder.lastValueOffset();
        passwordLength = RadiusCrypto.hiddenLength(password.length);
        builder.add(AttributeType.NAS_IP_ADDRESS, new byte[] {127, 0, 0, 1})
                .addInteger(AttributeType.NAS_PORT_TYPE, NAS_PORT_TYPE_VIRTUAL)
                .addMessageAuthenticator();
        messageAuthenticatorOffset = builder.lastValueOffset();
        template = builder.build(crypto);
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("LoadGenerator: " + e.getMessage());
            }
            System.err.println(usage());
            System.exit(2);
            return;
        }
        try {
            LoadGenerator generator = new LoadGenerator(options);
            System.exit(generator.run());
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("LoadGenerator: " + e);
            System.exit(2);
        }
    }

    static String usage() {
        return """
                usage: LoadGenerator [options]
                  --name NAME              label of the RESULT line (bench)
                  --host ADDR --port N     the server; loopback only (127.0.0.1 1812)
                  --secret S               shared secret (testing123)
                  --user U --password P    PAP credentials (bench / bench-password)
                  --requests N             requests to measure (100000)
                  --warmup N               requests sent first and not measured (0)
                  --window W               outstanding requests at most (64)
                  --sockets S              UDP sockets, W/S <= 256 (4)
                  --rate R                 open loop: R requests/s; 0 = closed loop, as fast as answered (0)
                  --max-seconds T          stop sending after T s per phase (60)
                  --timeout-ms MS          a request unanswered after MS is lost (2000)
                  --server-pid PID         also report that process's CPU time during the measurement
                  --expect-message-authenticator true|false
                                           an answer without a (valid) Message-Authenticator counts as wrong (false)
                exit status: 0 measured, 1 nothing accepted, 2 bad usage, 3 a wrong answer (a failed check)
                  --wait-accept-seconds T  probe: one request at a time until a verified Access-Accept, at most T s;
                                           reports the time since --since-epoch-ms (or since the probe started)
                  --start-command PATH     probe: run PATH (no arguments; it must return) once the probe is ready,
                                           and report the time since then: the server's start is measured without
                                           the probe's own JVM starting beside it on the same CPUs""";
    }

    int run() throws IOException {
        InetAddress address = InetAddress.getByName(options.host);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("--host must be a loopback address, not " + address);
        }
        InetSocketAddress server = new InetSocketAddress(address, options.port);
        if (options.waitAcceptSeconds > 0) {
            return probe(server);
        }
        selector = Selector.open();
        try {
            int sockets = Math.min(options.sockets, options.window);
            for (int i = 0; i < sockets; i++) {
                int window = options.window / sockets + (i < options.window % sockets ? 1 : 0);
                conns.add(open(server, window));
            }
            if (options.warmup > 0) {
                Tally warm = phase(options.warmup, false);
                System.out.printf(Locale.ROOT, "%s: warm-up %d requests, %d verified accepts, %d lost%n",
                        options.name, warm.sent, warm.accepted, warm.lost);
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpu0 = CpuTime.ownNanos();
            long threadCpu0 = threads.getCurrentThreadCpuTime();
            long server0 = CpuTime.ticksOf(options.serverPid);
            long t0 = System.nanoTime();
            Tally tally = phase(options.requests, true);
            long wall = System.nanoTime() - t0;
            long cpu = CpuTime.ownNanos() - cpu0;
            long threadCpu = threads.getCurrentThreadCpuTime() - threadCpu0;
            long server1 = CpuTime.ticksOf(options.serverPid);
            report(tally, wall, cpu, threadCpu, server0 < 0 || server1 < 0 ? -1 : server1 - server0);
            if (tally.wrong() > 0) {
                // A wrong answer is a failed check of the server, not a slow figure: the run is not valid.
                System.out.printf(Locale.ROOT, "%s: CHECK FAILED: %d wrong answers%n", options.name, tally.wrong());
                return 3;
            }
            return tally.accepted > 0 ? 0 : 1;
        } finally {
            for (Conn c : conns) {
                c.channel.close();
            }
            selector.close();
        }
    }

    private Conn open(InetSocketAddress server, int window) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
        channel.bind(new InetSocketAddress(server.getAddress(), 0));
        channel.connect(server);
        channel.configureBlocking(false);
        Conn conn = new Conn(channel, window, template);
        if (selector != null) {
            channel.register(selector, SelectionKey.OP_READ, conn);
        }
        return conn;
    }

    /** Sends {@code count} requests (closed or open loop) and waits for their answers, all bounded in time. */
    private Tally phase(long count, boolean record) throws IOException {
        Tally tally = new Tally();
        if (record) {
            tally.latencies = new long[(int) Math.min(count, Integer.MAX_VALUE - 8)];
        }
        long timeout = options.timeoutMs * 1_000_000L;
        long start = System.nanoTime();
        long stopSending = start + (long) (options.maxSeconds * NANOS);
        long hardStop = stopSending + timeout + 100_000_000L;
        double interval = options.rate > 0 ? NANOS / options.rate : 0;
        long nextSend = start;
        long sentAtRate = 0;
        long lastScan = start;
        int robin = 0;
        int outstanding = 0;
        while (true) {
            long now = System.nanoTime();
            boolean sending = tally.sent < count && now < stopSending;
            if (!sending && outstanding == 0) {
                break;
            }
            if (now > hardStop) {
                break;
            }
            if (sending) {
                if (interval == 0) {
                    for (Conn c : conns) {
                        while (c.outstanding < c.window && tally.sent < count) {
                            if (!send(c, now, tally)) {
                                break;
                            }
                            outstanding++;
                        }
                    }
                } else {
                    while (tally.sent < count && start + (long) (sentAtRate * interval) <= now) {
                        Conn chosen = null;
                        for (int i = 0; i < conns.size() && chosen == null; i++) {
                            Conn c = conns.get((robin + i) % conns.size());
                            if (c.outstanding < c.window) {
                                chosen = c;
                                robin = (robin + i + 1) % conns.size();
                            }
                        }
                        if (chosen == null) {
                            tally.behindSchedule++;
                            break;
                        }
                        if (!send(chosen, now, tally)) {
                            break;
                        }
                        outstanding++;
                        sentAtRate++;
                    }
                    nextSend = start + (long) (sentAtRate * interval);
                }
            }
            long waitMs = 5;
            if (interval > 0 && tally.sent < count) {
                waitMs = Math.max(1, Math.min(5, (nextSend - System.nanoTime()) / 1_000_000L));
            }
            selector.select(waitMs);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                outstanding -= receive((Conn) key.attachment(), tally, record);
            }
            now = System.nanoTime();
            if (now - lastScan >= 5_000_000L) {
                lastScan = now;
                outstanding -= expire(now - timeout, tally);
            }
        }
        // Whatever is still outstanding at the hard stop is lost.
        outstanding -= expire(Long.MAX_VALUE, tally);
        return tally;
    }

    /** Builds and writes one request on {@code c}; false if the socket would block (the request is not sent). */
    private boolean send(Conn c, long now, Tally tally) throws IOException {
        int id = c.nextId;
        while (c.busy[id]) {
            id = (id + 1) & 0xFF;
        }
        c.nextId = (id + 1) & 0xFF;
        byte[] p = c.packet;
        byte[] authenticator = c.requestAuthenticator[id];
        long r1 = nextRandom();
        long r2 = nextRandom();
        for (int i = 0; i < 8; i++) {
            authenticator[i] = (byte) (r1 >>> (8 * i));
            authenticator[8 + i] = (byte) (r2 >>> (8 * i));
        }
        p[1] = (byte) id;
        System.arraycopy(authenticator, 0, p, 4, 16);
        crypto.hideUserPassword(password, p, 4, passwordOffset, passwordLength);
        crypto.signMessageAuthenticator(p, p.length, messageAuthenticatorOffset);
        c.out.clear();
        int written;
        try {
            written = c.channel.write(c.out);
        } catch (PortUnreachableException e) {
            tally.unreachable++;
            return false;
        }
        if (written == 0) {
            tally.sendFailures++;
            return false;
        }
        c.busy[id] = true;
        c.sentAt[id] = now;
        c.outstanding++;
        tally.sent++;
        return true;
    }

    /** Writes the last request built on {@code c} again, unchanged (a retransmit). */
    private void resend(Conn c, Tally tally) throws IOException {
        c.out.clear();
        try {
            c.channel.write(c.out);
        } catch (PortUnreachableException e) {
            tally.unreachable++;
        }
    }

    /** Reads every datagram waiting on {@code c}; returns how many outstanding requests were answered. */
    private int receive(Conn c, Tally tally, boolean record) throws IOException {
        int answered = 0;
        while (true) {
            c.in.clear();
            int n;
            try {
                n = c.channel.read(c.in);
            } catch (PortUnreachableException e) {
                tally.unreachable++;
                continue;
            }
            if (n <= 0) {
                return answered;
            }
            long now = System.nanoTime();
            byte[] b = c.in.array();
            int length = n >= 20 ? ((b[2] & 0xFF) << 8) | (b[3] & 0xFF) : 0;
            int id = b[1] & 0xFF;
            if (n < 20 || length < 20 || length > n || !c.busy[id]) {
                tally.stray++;
                continue;
            }
            c.busy[id] = false;
            c.outstanding--;
            answered++;
            Verification verified = crypto.verifyResponse(b, n, c.requestAuthenticator[id]);
            if (!verified.valid()) {
                tally.badAuthenticator++;
                continue;
            }
            if (verified == Verification.VALID_WITHOUT_MESSAGE_AUTHENTICATOR && options.expectMessageAuthenticator) {
                // A hardened server signs every answer (BlastRADIUS, FreeRADIUS 3.2.5 and later).
                tally.missingMessageAuthenticator++;
                continue;
            }
            switch (b[0] & 0xFF) {
                case PacketCode.ACCESS_ACCEPT -> tally.accepted++;
                case PacketCode.ACCESS_REJECT -> tally.rejected++;
                case PacketCode.ACCESS_CHALLENGE -> tally.challenged++;
                default -> {
                    tally.badAuthenticator++;
                    continue;
                }
            }
            if (record && tally.recorded < tally.latencies.length) {
                tally.latencies[tally.recorded++] = now - c.sentAt[id];
            }
        }
    }

    /** Frees every request sent before {@code sentBefore} and counts it lost; returns how many. */
    private int expire(long sentBefore, Tally tally) {
        int expired = 0;
        for (Conn c : conns) {
            if (c.outstanding == 0) {
                continue;
            }
            for (int id = 0; id < IDS; id++) {
                if (c.busy[id] && c.sentAt[id] - sentBefore < 0 || c.busy[id] && sentBefore == Long.MAX_VALUE) {
                    c.busy[id] = false;
                    c.outstanding--;
                    tally.lost++;
                    expired++;
                }
            }
        }
        return expired;
    }

    private static void runStartCommand(String command) throws IOException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroy();
                throw new IOException(command + " did not return within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command, e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(command + " exited with status " + process.exitValue());
        }
    }

    /** Sends one request at a time until a verified Access-Accept, bounded in time. */
    private int probe(InetSocketAddress server) throws IOException {
        selector = Selector.open();
        Conn c = open(server, 1);
        long started = System.currentTimeMillis();
        long since = options.startCommand == null && options.sinceEpochMs > 0 ? options.sinceEpochMs : started;
        if (options.startCommand != null) {
            runStartCommand(options.startCommand);
        }
        long deadline = System.nanoTime() + (long) (options.waitAcceptSeconds * NANOS);
        // In the list that expire() walks, so that an unanswered request frees its Identifier (all 256 in use
        // would leave send() looking for a free one forever).
        conns.add(c);
        long attempts = 0;
        Tally tally = new Tally();
        try {
            while (System.nanoTime() < deadline) {
                attempts++;
                long now = System.nanoTime();
                if (!send(c, now, tally)) {
                    sleepMillis(100);
                    continue;
                }
                // Unanswered, the same request goes again every 250 ms, as a gateway retransmits (same Identifier
                // and authenticator): a server that is still busy with it joins it instead of starting anew. A new
                // request only once the port turned out closed (not listening yet) or the answer was not an accept.
                long unreachable = tally.unreachable;
                long nextRetransmit = now + 250_000_000L;
                while (c.outstanding > 0 && tally.unreachable == unreachable && System.nanoTime() < deadline) {
                    long t = System.nanoTime();
                    if (t - nextRetransmit >= 0) {
                        resend(c, tally);
                        nextRetransmit = t + 250_000_000L;
                    }
                    long waitMs = Math.max(1, (Math.min(nextRetransmit, deadline) - System.nanoTime()) / 1_000_000L);
                    if (selector.select(waitMs) > 0) {
                        selector.selectedKeys().clear();
                        receive(c, tally, false);
                    }
                }
                if (tally.accepted > 0) {
                    double seconds = (System.currentTimeMillis() - since) / 1000.0;
                    System.out.printf(Locale.ROOT, "%s: first verified Access-Accept %.2f s after start (%d attempts)%n",
                            options.name, seconds, attempts);
                    System.out.printf(Locale.ROOT, "RESULT name=%s first_accept_s=%.3f attempts=%d%n", options.name,
                            seconds, attempts);
                    return 0;
                }
                if (c.outstanding > 0) {
                    expire(Long.MAX_VALUE, tally);
                }
                // Not listening yet, or not yet configured (Access-Reject). Short: the pause is part of the figure
                // (on average half of it), and a closed port costs the server nothing.
                sleepMillis(10);
            }
        } finally {
            c.channel.close();
            selector.close();
        }
        System.out.printf(Locale.ROOT, "%s: no verified Access-Accept within %.1f s (%d attempts, %d wrong)%n",
                options.name, options.waitAcceptSeconds, attempts, tally.wrong());
        System.out.printf(Locale.ROOT, "RESULT name=%s first_accept_s=NaN attempts=%d%n", options.name, attempts);
        return 1;
    }

    private void report(Tally t, long wallNanos, long cpuNanos, long threadCpuNanos, long serverTicks) {
        long[] lat = Arrays.copyOf(t.latencies == null ? new long[0] : t.latencies, t.recorded);
        Arrays.sort(lat);
        double wall = wallNanos / 1e9;
        double rps = t.accepted / wall;
        double cpu = cpuNanos < 0 ? Double.NaN : cpuNanos / 1e9;
        double serverCpu = serverTicks < 0 ? Double.NaN : serverTicks / 100.0;
        String mode = options.rate > 0 ? String.format(Locale.ROOT, "open loop at %.0f req/s", options.rate)
                : "closed loop";
        Map<String, String> result = new LinkedHashMap<>();
        result.put("name", options.name);
        result.put("mode", options.rate > 0 ? "open" : "closed");
        result.put("offered_rps", fmt(options.rate, 0));
        result.put("window", Integer.toString(options.window));
        result.put("sockets", Integer.toString(conns.size()));
        result.put("sent", Long.toString(t.sent));
        result.put("ok", Long.toString(t.accepted));
        result.put("wrong", Long.toString(t.wrong()));
        result.put("no_reply_ma", Long.toString(t.missingMessageAuthenticator));
        result.put("lost", Long.toString(t.lost));
        result.put("stray", Long.toString(t.stray));
        result.put("rps", fmt(rps, 0));
        result.put("p50_ms", fmt(percentile(lat, 0.50), 3));
        result.put("p90_ms", fmt(percentile(lat, 0.90), 3));
        result.put("p99_ms", fmt(percentile(lat, 0.99), 3));
        result.put("p999_ms", fmt(percentile(lat, 0.999), 3));
        result.put("max_ms", fmt(lat.length == 0 ? Double.NaN : lat[lat.length - 1] / 1e6, 3));
        result.put("gen_cpu_s", fmt(cpu, 2));
        result.put("gen_loop_cpu_s", fmt(threadCpuNanos / 1e9, 2));
        result.put("gen_cpu_pct", fmt(100 * cpu / wall, 1));
        result.put("gen_cpu_us_per_req", fmt(t.sent == 0 ? Double.NaN : cpuNanos / 1e3 / t.sent, 2));
        result.put("server_cpu_s", fmt(serverCpu, 2));
        result.put("server_cpu_us_per_req", fmt(t.accepted == 0 ? Double.NaN : serverCpu * 1e6 / t.accepted, 1));
        result.put("wall_s", fmt(wall, 2));

        System.out.printf(Locale.ROOT, "%s: %d requests, window %d over %d sockets, %s%n", options.name, t.sent,
                options.window, conns.size(), mode);
        System.out.printf(Locale.ROOT, "  verified Access-Accept %d; wrong %d (reject %d, challenge %d, bad"
                + " authenticator %d, no Message-Authenticator %d); lost %d; stray %d%s%n", t.accepted, t.wrong(),
                t.rejected, t.challenged, t.badAuthenticator, t.missingMessageAuthenticator, t.lost, t.stray, t.behindSchedule > 0 ? "; window full " + t.behindSchedule
                        + " times (the server did not keep up with the offered rate)" : "");
        System.out.printf(Locale.ROOT, "  throughput %s accepts/s over %.2f s%n", result.get("rps"), wall);
        System.out.printf(Locale.ROOT, "  latency ms: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n", result.get("p50_ms"),
                result.get("p90_ms"), result.get("p99_ms"), result.get("p999_ms"), result.get("max_ms"));
        System.out.printf(Locale.ROOT, "  generator CPU %s s = %s %% of one core (%s us/request; event loop %s s)%s%n",
                result.get("gen_cpu_s"), result.get("gen_cpu_pct"), result.get("gen_cpu_us_per_req"),
                result.get("gen_loop_cpu_s"), serverTicks < 0 ? ""
                        : "; server CPU " + result.get("server_cpu_s") + " s (" + result.get("server_cpu_us_per_req")
                                + " us/accept)");
        StringBuilder line = new StringBuilder("RESULT");
        result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    private static String fmt(double value, int decimals) {
        return Double.isNaN(value) ? "NaN" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private long nextRandom() {
        // xorshift64*: request authenticators need to be unique, not secret, in a benchmark.
        long x = randomState;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        randomState = x;
        return x * 0x2545F4914F6CDD1DL;
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
