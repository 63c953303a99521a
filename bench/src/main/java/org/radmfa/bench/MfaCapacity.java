package org.radmfa.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.radmfa.radius.codec.AttributeType;
import org.radmfa.radius.codec.PacketBuilder;
import org.radmfa.radius.codec.PacketCode;
import org.radmfa.radius.codec.RadiusCrypto;

/**
 * MFA capacity: puts many PAP logins in flight at once, each its own login (the same user from a distinct
 * Calling-Station-Id, so the one-push-per-login guard starts a push for every one), and waits for every answer.
 * There are no retransmits: a request is sent once and counted lost if unanswered by {@code --timeout-seconds}.
 * Every response's Response Authenticator and Message-Authenticator are verified; only verified Access-Accepts count
 * as answered correctly.
 *
 * <p>With {@code --server-pid} it samples the server three times: idle (after one warm-up login, before the burst),
 * while all logins are pending ({@code --sample-after-seconds} after the last one is sent), and once all are answered.
 * Each sample is the process's thread count ({@code /proc/PID/status}: every OS thread, JVM-internal ones included),
 * its live Java threads ({@code jcmd PID PerfCounter.print}, {@code java.threads.live}) and its heap after a forced
 * full GC ({@code jcmd PID GC.run}, then {@code GC.heap_info}). The peak of the OS thread count is read every 200 ms.
 *
 * <p>Prints plain lines and one {@code RESULT} line. One thread runs the sockets; a second one runs jcmd.
 */
public final class MfaCapacity {
    private static final int ACCESS_ACCEPT = PacketCode.ACCESS_ACCEPT;
    private static final int ACCESS_REJECT = PacketCode.ACCESS_REJECT;
    private static final int ACCESS_CHALLENGE = PacketCode.ACCESS_CHALLENGE;
    private static final int IDS = 256;
    private static final long NANOS = 1_000_000_000L;
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");
    private static final Pattern LIVE_THREADS = Pattern.compile("java\\.threads\\.live=(\\d+)");

    /** The command line, with defaults. */
    static final class Options {
        String host = "127.0.0.1";
        int port = 1812;
        String secret = "testing123";
        String user = "mfa-demo";
        String password = "mfa-demo-password";
        int logins = 10_000;
        int sockets = 64;
        double sendRate = 2_500;
        double timeoutSeconds = 120;
        double sampleAfterSeconds = 8;
        int serverPid;
        boolean warmUp = true;
        Path diagnostics;
        double retransmitSeconds;
        Path loginsOut;
        int firstStation;

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
                    case "--host" -> o.host = v;
                    case "--port" -> o.port = (int) range(arg, Long.parseLong(v), 1, 65535);
                    case "--secret" -> o.secret = v;
                    case "--user" -> o.user = v;
                    case "--password" -> o.password = v;
                    case "--logins" -> o.logins = (int) range(arg, Long.parseLong(v), 1, 1_000_000);
                    case "--sockets" -> o.sockets = (int) range(arg, Long.parseLong(v), 1, 4096);
                    case "--send-rate" -> o.sendRate = range(arg, Double.parseDouble(v), 1, 1_000_000);
                    case "--timeout-seconds" -> o.timeoutSeconds = range(arg, Double.parseDouble(v), 1, 3600);
                    case "--sample-after-seconds" -> o.sampleAfterSeconds = range(arg, Double.parseDouble(v), 0,
                            3600);
                    case "--server-pid" -> o.serverPid = (int) range(arg, Long.parseLong(v), 0, Integer.MAX_VALUE);
                    case "--warm-up" -> o.warmUp = Boolean.parseBoolean(v);
                    case "--diagnostics" -> o.diagnostics = Path.of(v);
                    case "--retransmit-seconds" -> o.retransmitSeconds = range(arg, Double.parseDouble(v), 0, 3600);
                    case "--logins-out" -> o.loginsOut = Path.of(v);
                    case "--first-station" -> o.firstStation = (int) range(arg, Long.parseLong(v), 0, 1 << 23);
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if ((o.logins + o.sockets - 1) / o.sockets > IDS) {
                throw new IllegalArgumentException("--logins / --sockets must be at most " + IDS
                        + " (one RADIUS Identifier per pending login and socket)");
            }
            if (o.password.getBytes(StandardCharsets.UTF_8).length > 128) {
                throw new IllegalArgumentException("--password: at most 128 octets (RFC 2865)");
            }
            return o;
        }

        private static double range(String name, double value, double min, double max) {
            if (!(value >= min && value <= max)) {
                throw new IllegalArgumentException(name + " must be in " + min + ".." + max);
            }
            return value;
        }
    }

    static String usage() {
        return """
                usage: MfaCapacity [options]
                  --host ADDR --port N      the server; loopback only (127.0.0.1 1812)
                  --secret S                shared secret (testing123)
                  --user U --password P     PAP credentials of a user whose policy requires MFA
                                            (mfa-demo / mfa-demo-password)
                  --logins N                logins in flight at once, each from its own Calling-Station-Id (10000)
                  --sockets S               UDP sockets, N/S <= 256 (64)
                  --send-rate R             logins sent per second (2500)
                  --timeout-seconds T       a login unanswered T s after it was first sent is lost (120)
                  --retransmit-seconds R    as a gateway does: an unanswered request is sent again, the same
                                            packet (Identifier, authenticator), every R s; 0: never (0)
                  --first-station K         number the logins' Calling-Station-Ids from K (0), so that two runs
                                            against one emulator never share one
                  --logins-out FILE         one line per login: callingStationId firstSentMicros answeredMicros
                                            code retransmits (epoch microseconds, this machine's clock)
                  --sample-after-seconds T  sample the server T s after the last login is sent (8)
                  --server-pid PID          the server's process, for threads and heap (jcmd, /proc)
                  --warm-up true|false      one login first, answered before the burst (true): the password
                                            check, the token and the connections are then warm
                  --diagnostics DIR         save the server's thread dump and class histogram (jcmd Thread.print,
                                            GC.class_histogram) while the logins are pending, into DIR""";
    }

    /** One login: its socket, Identifier and Request Authenticator, and when it was sent and answered. */
    private static final class Login {
        final int index;
        final byte[] requestAuthenticator = new byte[16];
        long sentAt;
        long answeredAt;
        /** The same two instants on this machine's wall clock, which the emulator stamps its Begins with. */
        long sentEpochMicros;
        long answeredEpochMicros;
        int code = -1;
        /** The datagram, kept for retransmits (the same Identifier and authenticator). */
        ByteBuffer packet;
        Conn conn;
        long lastSentAt;
        int retransmits;

        Login(int index) {
            this.index = index;
        }
    }

    /** One UDP socket connected to the server; its logins by Identifier. */
    private static final class Conn {
        final DatagramChannel channel;
        final Login[] byId = new Login[IDS];
        final ByteBuffer in = ByteBuffer.allocate(4097);
        int used;

        Conn(DatagramChannel channel) {
            this.channel = channel;
        }
    }

    /** What the server looked like at one moment. */
    record Sample(String when, int osThreads, int javaThreads, long heapUsedKiB, long heapCommittedKiB) {
        String describe() {
            return String.format(Locale.ROOT, "%s: %d OS threads, %d live Java threads, heap after full GC %s MiB"
                    + " (committed %s MiB)", when, osThreads, javaThreads, mib(heapUsedKiB), mib(heapCommittedKiB));
        }

        private static String mib(long kib) {
            return kib < 0 ? "?" : String.format(Locale.ROOT, "%.1f", kib / 1024.0);
        }
    }

    private final Options options;
    private final RadiusCrypto crypto;
    private final byte[] password;
    private final byte[] user;
    private final SecureRandom random = new SecureRandom();
    private final List<Conn> conns = new ArrayList<>();
    private Selector selector;
    private long stray;
    private long badAuthenticator;
    private long unreachable;
    private int peakOsThreads;

    MfaCapacity(Options options) throws GeneralSecurityException {
        this.options = options;
        this.crypto = new RadiusCrypto(options.secret.getBytes(StandardCharsets.UTF_8));
        this.password = options.password.getBytes(StandardCharsets.UTF_8);
        this.user = options.user.getBytes(StandardCharsets.UTF_8);
        if (user.length == 0 || user.length > 253) {
            throw new IllegalArgumentException("--user: 1..253 octets");
        }
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("MfaCapacity: " + e.getMessage());
            }
            System.err.println(usage());
            System.exit(2);
            return;
        }
        try {
            System.exit(new MfaCapacity(options).run());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            System.err.println("MfaCapacity: " + e);
            System.exit(2);
        }
    }

    int run() throws IOException {
        InetAddress address = InetAddress.getByName(options.host);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("--host must be a loopback address, not " + address);
        }
        InetSocketAddress server = new InetSocketAddress(address, options.port);
        selector = Selector.open();
        try {
            for (int i = 0; i < options.sockets; i++) {
                conns.add(open(server));
            }
            if (options.warmUp && !warmUp(server)) {
                return 1;
            }
            Sample idle = sample("idle (no login pending)");
            if (idle != null) {
                System.out.println(idle.describe());
            }
            return burst(idle);
        } finally {
            for (Conn c : conns) {
                c.channel.close();
            }
            selector.close();
        }
    }

    /**
     * One login at a time until one is accepted: the server may still be starting (port unreachable) or binding its
     * connector (Access-Reject); bounded by --timeout-seconds. Its own socket, so the burst's Identifiers stay free.
     */
    private boolean warmUp(InetSocketAddress server) throws IOException {
        Conn c = open(server);
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (options.timeoutSeconds * NANOS);
        int attempts = 0;
        Login warm = null;
        try {
            while (System.nanoTime() < deadline && attempts < IDS) {
                attempts++;
                warm = new Login(-attempts);
                long unreachableBefore = unreachable;
                send(c, warm, "warm-up-" + attempts);
                while (warm.code < 0 && unreachable == unreachableBefore && System.nanoTime() < deadline) {
                    poll(50);
                }
                if (warm.code == ACCESS_ACCEPT) {
                    System.out.printf(Locale.ROOT, "warm-up login accepted after %.1f s (attempt %d, %.1f s since"
                            + " the first)%n", (warm.answeredAt - warm.sentAt) / 1e9, attempts,
                            (warm.answeredAt - t0) / 1e9);
                    return true;
                }
                sleepMillis(1000); // not listening yet, or not yet configured
            }
        } finally {
            c.channel.keyFor(selector).cancel();
            c.channel.close();
        }
        System.out.printf(Locale.ROOT, "no warm-up login accepted in %.0f s (%d attempts, last: %s): the server is not"
                + " set up for the bench%n", options.timeoutSeconds, attempts, warm == null ? "none"
                        : codeName(warm.code));
        return false;
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private int burst(Sample idle) throws IOException {
        int n = options.logins;
        List<Login> logins = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            logins.add(new Login(i));
        }
        long start = System.nanoTime();
        double interval = NANOS / options.sendRate;
        int sent = 0;
        int answered = 0;
        while (sent < n) {
            long now = System.nanoTime();
            while (sent < n && start + (long) (sent * interval) <= now) {
                Login login = logins.get(sent);
                send(conns.get(sent % conns.size()), login, station(options.firstStation + login.index));
                sent++;
            }
            answered += poll(1);
            retransmit(now);
            trackThreads(now);
        }
        long lastSent = System.nanoTime();
        System.out.printf(Locale.ROOT, "%d logins sent in %.2f s (%d sockets), %d answered so far%n", n,
                (lastSent - start) / 1e9, conns.size(), answered);
        long sampleAt = lastSent + (long) (options.sampleAfterSeconds * NANOS);
        @SuppressWarnings("unchecked")
        CompletableFuture<Sample>[] pendingSample = new CompletableFuture[1];
        // Lost: unanswered --timeout-seconds after its first send (the last login's first send bounds the wait).
        await(logins, n - answered, lastSent + (long) (options.timeoutSeconds * NANOS), sampleAt, pendingSample);
        long done = System.nanoTime();
        // Whatever is unanswered now is lost.
        int lost = 0;
        int accepted = 0;
        int rejected = 0;
        int challenged = 0;
        long[] latencies = new long[n];
        int recorded = 0;
        long lastAnswer = start;
        for (Login login : logins) {
            if (login.code >= 0 && login.answeredAt - login.sentAt > (long) (options.timeoutSeconds * NANOS)) {
                login.code = -1; // answered after the gateway gave up: lost all the same
            }
            switch (login.code) {
                case -1 -> lost++;
                case ACCESS_ACCEPT -> accepted++;
                case ACCESS_REJECT -> rejected++;
                case ACCESS_CHALLENGE -> challenged++;
                default -> {
                }
            }
            if (login.code >= 0) {
                latencies[recorded++] = login.answeredAt - login.sentAt;
                lastAnswer = Math.max(lastAnswer, login.answeredAt);
            }
        }
        Sample pending = null;
        if (pendingSample[0] != null) {
            pending = pendingSample[0].join();
        }
        // Answered between the last send and the sample (answers before the last send are not counted here).
        int answeredEarly = pendingSample[0] == null ? 0 : answeredBeforeSampleCount + answered;
        Sample after = sample("after (all answered)");
        long[] lat = Arrays.copyOf(latencies, recorded);
        Arrays.sort(lat);

        System.out.printf(Locale.ROOT, "%d logins: %d verified Access-Accept, %d Access-Reject, %d Access-Challenge,"
                + " %d bad authenticator, %d lost (unanswered after %.0f s); %d stray%n", n, accepted, rejected,
                challenged, badAuthenticator, lost, options.timeoutSeconds, stray);
        System.out.printf(Locale.ROOT, "time from the first login sent to the last answer: %.2f s (wall %.2f s)%n",
                (lastAnswer - start) / 1e9, (done - start) / 1e9);
        System.out.printf(Locale.ROOT, "answer time s: min %s  p50 %s  p99 %s  max %s%n", seconds(lat, 0),
                seconds(lat, 0.5), seconds(lat, 0.99), seconds(lat, 1));
        if (pending != null) {
            System.out.println(pending.describe() + (answeredEarly > 0 ? "; " + answeredEarly
                    + " logins were already answered" : ""));
        }
        if (after != null) {
            System.out.println(after.describe());
        }
        if (options.serverPid > 0) {
            System.out.println("peak OS threads during the run (every 200 ms): " + peakOsThreads);
        }
        System.out.printf(Locale.ROOT, "retransmits sent: %d (every %.0f s while unanswered); generator CPU %.1f s%n",
                retransmitsSent, options.retransmitSeconds, ownCpuSeconds());
        if (options.loginsOut != null) {
            writeLogins(logins);
        }
        Map<String, String> result = new LinkedHashMap<>();
        result.put("name", "mfa-capacity");
        result.put("logins", Integer.toString(n));
        result.put("accepted", Integer.toString(accepted));
        result.put("rejected", Integer.toString(rejected));
        result.put("challenged", Integer.toString(challenged));
        result.put("bad_authenticator", Long.toString(badAuthenticator));
        result.put("lost", Integer.toString(lost));
        result.put("stray", Long.toString(stray));
        result.put("all_answered_s", fmt((lastAnswer - start) / 1e9));
        result.put("p50_s", seconds(lat, 0.5));
        result.put("max_s", seconds(lat, 1));
        put(result, "idle", idle);
        put(result, "pending", pending);
        put(result, "after", after);
        result.put("answered_before_sample", Integer.toString(answeredEarly));
        result.put("peak_os_threads", Integer.toString(peakOsThreads));
        result.put("retransmits", Long.toString(retransmitsSent));
        result.put("generator_cpu_s", fmt(ownCpuSeconds()));
        StringBuilder line = new StringBuilder("RESULT");
        result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        return accepted == n ? 0 : 1;
    }

    private int answeredBeforeSampleCount;
    private long retransmitsSent;
    /** Logins in the order of their last send: the head is the next one due for a retransmit. */
    private final java.util.ArrayDeque<Login> unanswered = new java.util.ArrayDeque<>();
    /**
     * This machine's wall clock now, in microseconds. Read at each event rather than derived from nanoTime: the
     * two clocks drift apart while NTP slews the wall clock (a millisecond within a minute was seen), and the
     * emulator stamps approvals with the wall clock.
     */
    private static long epochMicrosNow() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** Sends again, unchanged, every request unanswered for --retransmit-seconds, as the gateway would. */
    private void retransmit(long now) throws IOException {
        if (options.retransmitSeconds <= 0) {
            return;
        }
        long after = (long) (options.retransmitSeconds * NANOS);
        long giveUp = (long) (options.timeoutSeconds * NANOS);
        while (!unanswered.isEmpty() && unanswered.peekFirst().lastSentAt + after <= now) {
            Login login = unanswered.pollFirst();
            if (login.code >= 0 || now - login.sentAt >= giveUp) {
                continue;
            }
            write(login.conn, login.packet.duplicate());
            login.lastSentAt = now;
            login.retransmits++;
            retransmitsSent++;
            unanswered.addLast(login);
        }
    }

    private void writeLogins(List<Login> logins) {
        StringBuilder text = new StringBuilder("# callingStationId firstSentMicros answeredMicros code retransmits\n");
        for (Login login : logins) {
            text.append(station(options.firstStation + login.index)).append(' ').append(login.sentEpochMicros)
                    .append(' ').append(login.code >= 0 ? login.answeredEpochMicros : -1).append(' ').append(login.code)
                    .append(' ').append(login.retransmits).append('\n');
        }
        try {
            Files.writeString(options.loginsOut, text);
        } catch (IOException e) {
            System.err.println("MfaCapacity: " + options.loginsOut + " not written: " + e);
        }
    }

    private static double ownCpuSeconds() {
        long nanos = CpuTime.ownNanos();
        return nanos < 0 ? -1 : nanos / 1e9;
    }

    private static void put(Map<String, String> result, String prefix, Sample sample) {
        if (sample == null) {
            return;
        }
        result.put(prefix + "_os_threads", Integer.toString(sample.osThreads()));
        result.put(prefix + "_java_threads", Integer.toString(sample.javaThreads()));
        result.put(prefix + "_heap_mib", fmt(sample.heapUsedKiB() / 1024.0));
    }

    /**
     * Reads answers until {@code expected} more logins of {@code logins} are answered or the deadline passes; at
     * {@code sampleAt} starts a server sample on another thread (into {@code sampleOut[0]}). Returns how many were
     * answered.
     */
    private int await(List<Login> logins, int expected, long deadline, long sampleAt,
            CompletableFuture<Sample>[] sampleOut) throws IOException {
        int answered = 0;
        while (answered < expected) {
            long now = System.nanoTime();
            if (now >= deadline) {
                break;
            }
            if (sampleOut != null && sampleOut[0] == null && now >= sampleAt && options.serverPid > 0) {
                answeredBeforeSampleCount = answered;
                CompletableFuture<Sample> future = new CompletableFuture<>();
                Thread sampler = new Thread(() -> {
                    try {
                        Sample sample = sample("while " + expected + " logins were pending");
                        diagnostics();
                        future.complete(sample);
                    } catch (RuntimeException e) {
                        future.completeExceptionally(e);
                    }
                }, "mfa-capacity-sampler");
                sampler.setDaemon(true);
                sampler.start();
                sampleOut[0] = future;
            }
            answered += poll(Math.max(1, Math.min(50, (deadline - now) / 1_000_000L)));
            retransmit(now);
            trackThreads(now);
        }
        if (sampleOut != null && sampleOut[0] == null && options.serverPid > 0) {
            // Everything was answered before the sample was due: sample anyway, but say so.
            answeredBeforeSampleCount = answered;
            sampleOut[0] = CompletableFuture.completedFuture(sample("(all answered before the sample was due)"));
        }
        return answered;
    }

    private long lastThreadCheck;

    private void trackThreads(long now) {
        if (options.serverPid > 0 && now - lastThreadCheck > 200_000_000L) {
            lastThreadCheck = now;
            peakOsThreads = Math.max(peakOsThreads, osThreads());
        }
    }

    /** Waits up to {@code waitMs} for datagrams and reads them all; returns how many logins were answered. */
    private int poll(long waitMs) throws IOException {
        int answered = 0;
        if (selector.select(waitMs) == 0) {
            return 0;
        }
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            answered += receive((Conn) key.attachment());
        }
        return answered;
    }

    private Conn open(InetSocketAddress server) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
        channel.bind(new InetSocketAddress(server.getAddress(), 0));
        channel.connect(server);
        channel.configureBlocking(false);
        Conn conn = new Conn(channel);
        channel.register(selector, SelectionKey.OP_READ, conn);
        return conn;
    }

    /** A distinct Calling-Station-Id per login: a documentation-style address in 10.0.0.0/8. */
    private static String station(int index) {
        return "10." + ((index >> 16) & 0xFF) + "." + ((index >> 8) & 0xFF) + "." + (index & 0xFF);
    }

    /** Encodes and sends one Access-Request for the login on the socket (blocking briefly if its buffer is full). */
    private void send(Conn c, Login login, String callingStationId) throws IOException {
        if (c.used >= IDS) {
            throw new IllegalStateException("no free Identifier on a socket");
        }
        int id = c.used++;
        c.byId[id] = login;
        random.nextBytes(login.requestAuthenticator);
        byte[] packet = new PacketBuilder(PacketCode.ACCESS_REQUEST, id, login.requestAuthenticator)
                .add(AttributeType.USER_NAME, user)
                .addUserPassword(password, crypto)
                .add(AttributeType.NAS_IP_ADDRESS, new byte[] {127, 0, 0, 1})
                .add(AttributeType.CALLING_STATION_ID, callingStationId)
                .addInteger(AttributeType.NAS_PORT_TYPE, 5) // Virtual (a VPN)
                .addMessageAuthenticator()
                .build(crypto);
        ByteBuffer out = ByteBuffer.wrap(packet);
        login.sentAt = System.nanoTime();
        login.sentEpochMicros = epochMicrosNow();
        login.lastSentAt = login.sentAt;
        login.packet = out.duplicate();
        login.conn = c;
        if (login.index >= 0) {
            unanswered.addLast(login);
        }
        write(c, out);
    }

    /** Writes one datagram (blocking briefly if the socket's buffer is full). */
    private void write(Conn c, ByteBuffer out) throws IOException {
        long until = System.nanoTime() + NANOS;
        while (true) {
            try {
                if (c.channel.write(out) > 0) {
                    return;
                }
            } catch (PortUnreachableException e) {
                unreachable++;
                return;
            }
            if (System.nanoTime() > until) {
                return; // not sent: it will count as lost
            }
            Thread.onSpinWait();
        }
    }

    /** Reads every datagram waiting on {@code c}; returns how many logins were answered. */
    private int receive(Conn c) throws IOException {
        int answered = 0;
        while (true) {
            c.in.clear();
            int n;
            try {
                n = c.channel.read(c.in);
            } catch (PortUnreachableException e) {
                unreachable++;
                continue;
            }
            if (n <= 0) {
                return answered;
            }
            long now = System.nanoTime();
            byte[] b = c.in.array();
            int length = n >= 20 ? ((b[2] & 0xFF) << 8) | (b[3] & 0xFF) : 0;
            Login login = n >= 20 ? c.byId[b[1] & 0xFF] : null;
            if (n < 20 || length < 20 || length > n || login == null || login.code >= 0) {
                stray++;
                continue;
            }
            if (!crypto.verifyResponse(b, n, login.requestAuthenticator).valid()) {
                badAuthenticator++;
                continue;
            }
            login.code = b[0] & 0xFF;
            login.answeredAt = now;
            login.answeredEpochMicros = epochMicrosNow();
            answered++;
        }
    }

    // ------------------------------------------------------------------------------------------ server samples

    /** Threads, live Java threads and heap after a full GC of --server-pid, or null without one. */
    private Sample sample(String when) {
        if (options.serverPid <= 0) {
            return null;
        }
        String pid = Integer.toString(options.serverPid);
        int javaThreads = -1;
        Matcher live = LIVE_THREADS.matcher(jcmd(pid, "PerfCounter.print"));
        if (live.find()) {
            javaThreads = Integer.parseInt(live.group(1));
        }
        int osThreads = osThreads();
        peakOsThreads = Math.max(peakOsThreads, osThreads);
        jcmd(pid, "GC.run");
        long used = -1;
        long committed = -1;
        Matcher heap = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        if (heap.find()) {
            committed = Long.parseLong(heap.group(1));
            used = Long.parseLong(heap.group(2));
        }
        return new Sample(when, osThreads, javaThreads, used, committed);
    }

    /** With --diagnostics: the server's thread dump and class histogram, to see what holds threads and heap. */
    private void diagnostics() {
        if (options.diagnostics == null) {
            return;
        }
        String pid = Integer.toString(options.serverPid);
        try {
            Files.createDirectories(options.diagnostics);
            Files.writeString(options.diagnostics.resolve("pending-threads.txt"), jcmd(pid, "Thread.print"));
            Files.writeString(options.diagnostics.resolve("pending-histogram.txt"), jcmd(pid,
                    "GC.class_histogram"));
        } catch (IOException e) {
            System.err.println("MfaCapacity: diagnostics not saved: " + e);
        }
    }

    private int osThreads() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(options.serverPid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Runs jcmd (bounded to 60 s) and returns what it printed, or "" when it failed. */
    private static String jcmd(String pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), pid, command).redirectErrorStream(true).start();
            byte[] output;
            try (InputStream in = process.getInputStream()) {
                output = in.readAllBytes();
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "";
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String codeName(int code) {
        return switch (code) {
            case ACCESS_ACCEPT -> "Access-Accept";
            case ACCESS_REJECT -> "Access-Reject";
            case ACCESS_CHALLENGE -> "Access-Challenge";
            case -1 -> "no answer";
            default -> "code " + code;
        };
    }

    private static String seconds(long[] sorted, double p) {
        if (sorted.length == 0) {
            return "NaN";
        }
        int index = p == 0 ? 0 : (int) Math.ceil(p * sorted.length) - 1;
        return fmt(sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e9);
    }

    private static String fmt(double value) {
        return Double.isNaN(value) ? "NaN" : String.format(Locale.ROOT, "%.2f", value);
    }
}
