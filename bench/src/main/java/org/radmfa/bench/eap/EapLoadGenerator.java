package org.radmfa.bench.eap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.radmfa.bench.CpuTime;
import org.radmfa.radius.codec.AttributeType;
import org.radmfa.radius.codec.PacketBuilder;
import org.radmfa.radius.codec.PacketCode;
import org.radmfa.radius.codec.RadiusCrypto;
import org.radmfa.radius.codec.RadiusPacket;
import org.radmfa.radius.codec.Verification;

/**
 * EAP logins against a RADIUS server as fast as it answers them: {@code --conversations} threads, each a NAS and a
 * supplicant in one with its own UDP socket, run whole EAP conversations one after another (EAP-MSCHAPv2, EAP-TLS or
 * PEAP-MSCHAPv2) for {@code --warmup-seconds}, unmeasured, then for {@code --seconds}. A login counts only when it
 * ends in an Access-Accept carrying EAP-Success whose MS-MPPE-Recv-Key and MS-MPPE-Send-Key are the keys the peer
 * derived itself, every response authenticator and Message-Authenticator verified on the way; anything else is a
 * failure, counted with its reason. Prints one {@code RESULT} line: logins, failures, logins per second, the server's
 * CPU per login ({@code --server-pid}, less {@code --server-idle-cpu} per second) and the generator's own.
 * Exits 1 when a login failed.
 */
public final class EapLoadGenerator {
    private static final int EAP_REQUEST = 1;
    private static final int EAP_RESPONSE = 2;
    private static final int EAP_SUCCESS = 3;
    private static final int TYPE_IDENTITY = 1;
    private static final int TYPE_NAK = 3;
    private static final int MS_MPPE_SEND_KEY = 16;
    private static final int MS_MPPE_RECV_KEY = 17;
    private static final int TRIES = 4;
    private static final int FRAMED_MTU = 12;

    private final Options options;
    private final Supplier<EapMethodPeer> peers;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicLong> failures = new ConcurrentHashMap<>();

    record Options(String name, String host, int port, String secret, String method, String user, String password,
            Path ca, Path certificate, Path key, int conversations, double seconds, double warmupSeconds,
            int timeoutMs, int serverPid, double serverIdleCpu) {
    }

    private EapLoadGenerator(Options options) throws IOException, GeneralSecurityException {
        this.options = options;
        SecureRandom random = new SecureRandom();
        EapTlsPeer.Identity identity = options.method().equals("mschapv2") ? null : identity(options, random);
        this.peers = switch (options.method()) {
            case "mschapv2" -> () -> new MsChapV2Peer(options.user(), options.password(), random);
            case "tls" -> () -> new EapTlsPeer(identity);
            case "peap" -> {
                EapTlsPeer.Identity serverTrust = new EapTlsPeer.Identity(identity.crypto(), identity.ca(), null, null);
                yield () -> new PeapPeer(serverTrust, options.user(),
                        new MsChapV2Peer(options.user(), options.password(), random));
            }
            default -> throw new IllegalArgumentException("--method: mschapv2, tls or peap");
        };
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = parse(args);
        } catch (RuntimeException e) {
            System.err.println((e.getMessage() == null ? "" : e.getMessage() + "\n") + usage());
            System.exit(2);
            return;
        }
        try {
            System.exit(new EapLoadGenerator(options).run());
        } catch (IOException | GeneralSecurityException | InterruptedException e) {
            System.err.println("eap-generator: " + e);
            System.exit(2);
        }
    }

    private int run() throws InterruptedException {
        if (options.warmupSeconds() > 0) {
            phase(options.warmupSeconds());
        }
        long warmupFailed = failed.get();
        failures.forEach((reason, count) -> System.err.printf("%s: %d logins failed during the warm-up: %s%n",
                options.name(), count.get(), reason));
        failures.clear();
        accepted.set(0);
        failed.set(0);
        long serverBefore = CpuTime.ticksOf(options.serverPid());
        long cpuBefore = CpuTime.ownNanos();
        long t0 = System.nanoTime();
        phase(options.seconds());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double generatorCpu = (CpuTime.ownNanos() - cpuBefore) / 1e9;
        long serverAfter = CpuTime.ticksOf(options.serverPid());
        long ok = accepted.get();
        long bad = failed.get();
        double serverCpu = serverBefore < 0 || serverAfter < 0 ? -1
                : Math.max(0, (serverAfter - serverBefore) / 100.0 - options.serverIdleCpu() * seconds);
        failures.forEach((reason, count) -> System.err.printf("%s: %d logins failed: %s%n", options.name(),
                count.get(), reason));
        System.out.printf("RESULT name=%s ok=%d failed=%d seconds=%.1f hps=%.1f server_cpu_ms=%.2f gen_cpu_ms=%.2f"
                + " gen_cpu_pct=%.0f conversations=%d warmup_failed=%d%n", options.name(), ok, bad, seconds,
                ok / seconds, ok > 0 && serverCpu >= 0 ? 1000 * serverCpu / ok : 0,
                ok > 0 ? 1000 * generatorCpu / ok : 0, 100 * generatorCpu / seconds, options.conversations(),
                warmupFailed);
        return bad == 0 && warmupFailed == 0 && ok > 0 ? 0 : 1;
    }

    /** Every thread runs logins back to back until the phase ends. */
    private void phase(double seconds) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < options.conversations(); i++) {
            Thread thread = new Thread(() -> loginsUntil(end), "eap-" + i);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private void loginsUntil(long end) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.connect(new InetSocketAddress(options.host(), options.port()));
            socket.setSoTimeout(options.timeoutMs());
            Nas nas = new Nas(socket, new RadiusCrypto(options.secret().getBytes(StandardCharsets.UTF_8)));
            while (System.nanoTime() < end) {
                try {
                    login(nas, peers.get());
                    accepted.incrementAndGet();
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    if (failed.incrementAndGet() == 1 && Boolean.getBoolean("eap.debug")) {
                        e.printStackTrace();
                    }
                    String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
                    failures.computeIfAbsent(reason.replaceAll("[0-9a-f]{16,}", "…"), r -> new AtomicLong())
                            .incrementAndGet();
                }
            }
        } catch (IOException e) {
            failures.computeIfAbsent("socket: " + e.getMessage(), r -> new AtomicLong()).incrementAndGet();
            failed.incrementAndGet();
        }
    }

    /** One login: Identity, the method's round trips (a Nak first if the server offers another), the Accept. */
    private void login(Nas nas, EapMethodPeer peer)
            throws IOException, GeneralSecurityException {
        byte[] user = options.user().getBytes(StandardCharsets.UTF_8);
        byte[] response = eap(EAP_RESPONSE, 0, TYPE_IDENTITY, user);
        byte[] state = null;
        boolean methodStarted = false;
        for (int round = 0; round < 64; round++) {
            Nas.Answer answer = nas.exchange(user, response, state);
            RadiusPacket packet = answer.packet();
            byte[] eap = packet.joined(AttributeType.EAP_MESSAGE);
            if (packet.code() == PacketCode.ACCESS_ACCEPT) {
                if (eap == null || eap.length < 4 || eap[0] != EAP_SUCCESS) {
                    throw new IOException("an Access-Accept without EAP-Success");
                }
                checkKeys(nas.crypto, answer, peer.expectedKeys());
                return;
            }
            if (packet.code() != PacketCode.ACCESS_CHALLENGE) {
                throw new IOException("answered with code " + packet.code() + texts(packet));
            }
            if (eap == null || eap.length < 5 || eap[0] != EAP_REQUEST) {
                throw new IOException("an Access-Challenge without an EAP-Request");
            }
            int length = (eap[2] & 0xFF) << 8 | (eap[3] & 0xFF);
            if (length < 5 || length > eap.length) {
                throw new IOException("an EAP-Request whose Length (" + length + ") disagrees with its EAP-Message");
            }
            int identifier = eap[1] & 0xFF;
            int type = eap[4] & 0xFF;
            byte[] data = Arrays.copyOfRange(eap, 5, length);
            state = packet.first(AttributeType.STATE);
            if (type == peer.type()) {
                methodStarted = true;
                response = eap(EAP_RESPONSE, identifier, type, peer.respond(data));
            } else if (!methodStarted && type != TYPE_IDENTITY) {
                response = eap(EAP_RESPONSE, identifier, TYPE_NAK, new byte[] {(byte) peer.type()});
            } else {
                throw new IOException("the server asked for EAP type " + type + " in the middle of a conversation");
            }
        }
        throw new IOException("no end after 64 round trips");
    }

    /** The Accept's MS-MPPE keys, unhidden with the request's authenticator, must be the peer's own. */
    private static void checkKeys(RadiusCrypto crypto, Nas.Answer answer, byte[] expected) throws IOException {
        byte[] recvHidden = answer.packet().vendor(AttributeType.VENDOR_MICROSOFT, MS_MPPE_RECV_KEY);
        byte[] sendHidden = answer.packet().vendor(AttributeType.VENDOR_MICROSOFT, MS_MPPE_SEND_KEY);
        if (recvHidden == null || sendHidden == null) {
            throw new IOException("an Access-Accept without MS-MPPE keys");
        }
        byte[] recv = crypto.unhideMppeKey(recvHidden, answer.requestAuthenticator());
        byte[] send = crypto.unhideMppeKey(sendHidden, answer.requestAuthenticator());
        int half = expected.length / 2;
        if (!Arrays.equals(recv, Arrays.copyOfRange(expected, 0, half))
                || !Arrays.equals(send, Arrays.copyOfRange(expected, half, 2 * half))) {
            throw new IOException("the MS-MPPE keys are not the ones the peer derived");
        }
    }

    private static byte[] eap(int code, int identifier, int type, byte[] data) {
        int length = 5 + data.length;
        byte[] eap = new byte[length];
        eap[0] = (byte) code;
        eap[1] = (byte) identifier;
        eap[2] = (byte) (length >>> 8);
        eap[3] = (byte) length;
        eap[4] = (byte) type;
        System.arraycopy(data, 0, eap, 5, data.length);
        return eap;
    }

    private static String texts(RadiusPacket packet) {
        List<String> messages = packet.texts(AttributeType.REPLY_MESSAGE);
        return messages.isEmpty() ? "" : " (" + String.join(" ", messages) + ")";
    }

    /** One NAS: a socket, its RADIUS Identifiers, retransmission after a silent timeout as a NAS does. */
    private static final class Nas {
        record Answer(RadiusPacket packet, byte[] requestAuthenticator) {
        }

        private final DatagramSocket socket;
        private final RadiusCrypto crypto;
        private final SecureRandom random = new SecureRandom();
        private final byte[] buffer = new byte[RadiusCrypto.MAX_PACKET_LENGTH];
        private int identifier;

        Nas(DatagramSocket socket, RadiusCrypto crypto) {
            this.socket = socket;
            this.crypto = crypto;
        }

        Answer exchange(byte[] user, byte[] eap, byte[] state) throws IOException {
            identifier = (identifier + 1) & 0xFF;
            byte[] authenticator = new byte[16];
            random.nextBytes(authenticator);
            PacketBuilder builder = new PacketBuilder(PacketCode.ACCESS_REQUEST, identifier, authenticator)
                    .add(AttributeType.USER_NAME, user)
                    .add(AttributeType.CALLING_STATION_ID, "02-00-00-00-00-01")
                    .addInteger(AttributeType.NAS_PORT_TYPE, 19) // Wireless-802.11, as eapol_test says
                    .add(FRAMED_MTU, new byte[] {0, 0, 0x05, 0x78}) // 1400, as eapol_test says
                    .addEapMessage(eap);
            if (state != null) {
                builder.add(AttributeType.STATE, state);
            }
            byte[] request = builder.addMessageAuthenticator().build(crypto);
            DatagramPacket received = new DatagramPacket(buffer, buffer.length);
            for (int attempt = 0; attempt < TRIES; attempt++) {
                socket.send(new DatagramPacket(request, request.length));
                long deadline = System.nanoTime() + socket.getSoTimeout() * 1_000_000L;
                while (System.nanoTime() < deadline) {
                    try {
                        received.setLength(buffer.length);
                        socket.receive(received);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    if (received.getLength() < 20 || (buffer[1] & 0xFF) != identifier) {
                        continue; // a late answer to an earlier request
                    }
                    Verification verification = crypto.verifyResponse(buffer, received.getLength(), authenticator);
                    if (verification != Verification.VALID_WITH_MESSAGE_AUTHENTICATOR) {
                        throw new IOException("a response that does not verify: " + verification.description());
                    }
                    return new Answer(RadiusPacket.decode(buffer, received.getLength()), authenticator);
                }
            }
            throw new IOException("no answer after " + TRIES + " tries");
        }
    }

    private static EapTlsPeer.Identity identity(Options options, SecureRandom random)
            throws IOException, GeneralSecurityException {
        if (options.ca() == null) {
            throw new IllegalArgumentException("--ca is needed for tls and peap");
        }
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        X509Certificate ca;
        try (var in = Files.newInputStream(options.ca())) {
            ca = (X509Certificate) factory.generateCertificate(in);
        }
        // BouncyCastle's provider: its TLS asks for signature names (SHA256WITHRSAANDMGF1) the JDK's do not have.
        JcaTlsCrypto crypto = new JcaTlsCryptoProvider().setProvider(new BouncyCastleProvider()).create(random);
        Certificate certificate = null;
        PrivateKey key = null;
        if (options.certificate() != null) {
            try (var in = Files.newInputStream(options.certificate())) {
                certificate = new Certificate(new TlsCertificate[] {
                    crypto.createCertificate(factory.generateCertificate(in).getEncoded())});
            }
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pem(options.key(),
                    "PRIVATE KEY")));
        }
        return new EapTlsPeer.Identity(crypto, ca, certificate, key);
    }

    /** The DER inside a PEM file's block of this label (openssl writes unencrypted PKCS#8 keys so). */
    private static byte[] pem(Path file, String label) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("--key is needed with --certificate");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN " + label + "-----");
        int end = text.indexOf("-----END " + label + "-----");
        if (begin < 0 || end < begin) {
            throw new IOException(file + ": no unencrypted PKCS#8 key (-----BEGIN " + label + "-----)");
        }
        return Base64.getMimeDecoder().decode(text.substring(begin + label.length() + 16, end));
    }

    static Options parse(String[] args) {
        java.util.Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + (args[i].startsWith("--") ? " needs a value" : "?"));
            }
            values.put(args[i].substring(2), args[i + 1]);
        }
        Options options = new Options(values.getOrDefault("name", "eap"), values.getOrDefault("host", "127.0.0.1"),
                Integer.parseInt(values.getOrDefault("port", "1812")), values.getOrDefault("secret", "testing123"),
                values.getOrDefault("method", "mschapv2"), values.getOrDefault("user", "demo"),
                values.getOrDefault("password", "demo-password"), path(values.get("ca")),
                path(values.get("certificate")), path(values.get("key")),
                Integer.parseInt(values.getOrDefault("conversations", "32")),
                Double.parseDouble(values.getOrDefault("seconds", "20")),
                Double.parseDouble(values.getOrDefault("warmup-seconds", "5")),
                Integer.parseInt(values.getOrDefault("timeout-ms", "3000")),
                Integer.parseInt(values.getOrDefault("server-pid", "0")),
                Double.parseDouble(values.getOrDefault("server-idle-cpu", "0")));
        values.keySet().removeAll(List.of("name", "host", "port", "secret", "method", "user", "password", "ca",
                "certificate", "key", "conversations", "seconds", "warmup-seconds", "timeout-ms", "server-pid",
                "server-idle-cpu"));
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown options: " + values.keySet());
        }
        if (options.conversations() < 1 || options.conversations() > 1024 || options.seconds() <= 0) {
            throw new IllegalArgumentException("--conversations 1..1024 and --seconds > 0");
        }
        return options;
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }

    static String usage() {
        return """
                usage: java -cp radmfa-bench.jar org.radmfa.bench.eap.EapLoadGenerator --method mschapv2|tls|peap
                  --host H --port P --secret S --user U --password PW
                  [--ca ca.pem] [--certificate client.pem --key client.key (PKCS#8, unencrypted)]
                  [--conversations 32] [--warmup-seconds 5] [--seconds 20] [--timeout-ms 3000]
                  [--server-pid PID --server-idle-cpu CPU-SECONDS-PER-SECOND] [--name NAME]
                (java -Deap.debug=true ... prints the first failed login's stack trace)""";
    }
}
