package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real Active Directory for tests, and a member of it: a Samba 4 AD DC provisioned into a temporary directory with
 * samba-tool, its users and groups created with Samba's own API before it starts, then run in the foreground
 * ({@code samba -i}) inside a network namespace the test makes, joined to the test machine by a veth pair; and a
 * member server joined to it with {@code net ads join}, whose winbindd is the one the appliance's ntlm_auth talks to,
 * as in production (NETLOGON from the member to the DC):
 * <pre>
 *   root namespace (appliance, ntlm_auth)  10.77.20.1/30  &lt;--veth--&gt;  10.77.20.2/30  namespace radmfa-ad-...
 *                                                                       DC (samba -i), member's winbindd
 * </pre>
 * The DC's ports (53, 88, 389, 445, 636, ...) are the namespace's, so nothing on the machine clashes with them and
 * nothing leaves it; the namespace's resolver is the DC's own DNS (/etc/netns/NAME/resolv.conf, which only
 * {@code ip netns exec} uses). The winbind client library (ntlm_auth, wbinfo, the DC's own smbd) finds winbindd only
 * at Samba's compiled-in /run/samba/winbindd: the DC runs with a private tmpfs there (its own mount namespace), and
 * the member's winbindd takes the machine's, which the test refuses to use when a winbindd already answers there.
 * <p>
 * LDAPS and StartTLS use a certificate made here for the DC's address (keytool), trusted by the appliance through a
 * PKCS12 trust store: host name verification stays on.
 */
final class SambaDomainController implements AutoCloseable {
    static final String REALM = "RADMFA.TEST";
    static final String DOMAIN = "RADMFA";
    static final String BASE_DN = "DC=radmfa,DC=test";
    static final String HOST_ADDRESS = "10.77.20.1";
    static final String DC_ADDRESS = "10.77.20.2";
    static final String ADMIN_PASSWORD = "Admin-Pass-2026";
    static final String TRUST_STORE_PASSWORD = "changeit";
    static final List<String> COMMANDS = List.of("samba", "samba-tool", "ntlm_auth", "wbinfo", "ip", "keytool");
    private static final Path WINBIND_PIPE = Path.of("/run/samba/winbindd/pipe");
    private static final Path SAMBA_PYTHON = Path.of("/usr/bin/python3");
    /** Generous: samba-tool provision takes seconds on a quiet machine, minutes on a loaded one (load 36 seen). */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(600);

    final Path dir;
    /** The DC's smb.conf. */
    final Path smbConf;
    /** The member's smb.conf: what the appliance's ntlm_auth runs with. */
    final Path memberConf;
    final Path trustStore;
    private final String namespace;
    private final String hostLink;
    private final Path netnsEtc;
    private Process samba;
    private Process memberWinbindd;
    private boolean networkUp;

    private SambaDomainController(Path dir, String suffix) {
        this.dir = dir;
        this.smbConf = dir.resolve("etc/smb.conf");
        this.memberConf = dir.resolve("member/smb.conf");
        this.trustStore = dir.resolve("dc-trust.p12");
        this.namespace = "radmfa-ad-" + suffix;
        this.hostLink = "ad" + suffix + "h";
        this.netnsEtc = Path.of("/etc/netns", namespace);
    }

    /**
     * Checks the prerequisites, makes the namespace and provisions the domain (not started yet: add users with
     * {@link #tool}, then {@link #start}). Fails, never skips, when something is missing: CI installs it.
     */
    static SambaDomainController provision(Path workDir) throws IOException {
        for (String command : COMMANDS) {
            if (!Commands.onPath(command)) {
                fail(command + " not found: install samba, samba-ad-dc, samba-ad-provision, winbind and iproute2"
                        + " (./test.sh does it when run as root)");
            }
        }
        if (!Files.isExecutable(SAMBA_PYTHON)) {
            fail(SAMBA_PYTHON + " (Debian's, with Samba's python3-samba) not found: install samba");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("a Samba AD DC in a network namespace needs root (ip netns, winbindd's socket in /run/samba)");
        }
        if (Files.exists(WINBIND_PIPE) && Commands.run(workDir, Map.of(), null, COMMAND_TIMEOUT,
                List.of("wbinfo", "-p")).exitCode == 0) {
            fail("a winbindd already answers on " + WINBIND_PIPE + " (this machine is joined to a domain?): the test"
                    + " DC's winbindd would take its place; run the test elsewhere");
        }
        String suffix = Long.toHexString(ProcessHandle.current().pid() & 0xFFFF)
                + String.format("%02x", ThreadLocalRandom.current().nextInt(256));
        SambaDomainController dc = new SambaDomainController(Files.createTempDirectory(workDir, "samba-dc-"), suffix);
        try {
            dc.network(workDir);
            dc.certificate();
            Path tls = dc.dir.resolve("tls");
            // In the namespace: provision guesses the DC's addresses from the interfaces it sees.
            dc.must(List.of("ip", "netns", "exec", dc.namespace, "samba-tool", "domain", "provision", "--realm=" + REALM, "--domain=" + DOMAIN,
                    "--server-role=dc", "--dns-backend=SAMBA_INTERNAL", "--use-rfc2307", "--adminpass="
                            + ADMIN_PASSWORD, "--targetdir=" + dc.dir, "--host-name=dc1", "--host-ip=" + DC_ADDRESS,
                    // MS-CHAPv2 is NTLMv1 with a hashed challenge: the DC must allow it (Samba 4.5+ refuses by default).
                    "--option=ntlm auth = mschapv2-and-ntlmv2-only",
                    "--option=interfaces = " + DC_ADDRESS + " lo", "--option=bind interfaces only = yes",
                    "--option=log file = " + dc.dir.resolve("log.%m"), "--option=pid directory = " + dc.dir,
                    "--option=ncalrpc dir = " + dc.dir.resolve("ncalrpc"),
                    "--option=dns forwarder = " + DC_ADDRESS,
                    "--option=tls enabled = yes", "--option=tls keyfile = " + tls.resolve("key.pem"),
                    "--option=tls certfile = " + tls.resolve("cert.pem"),
                    "--option=tls cafile = " + tls.resolve("cert.pem")));
            dc.memberConfiguration();
            return dc;
        } catch (IOException | RuntimeException | Error e) {
            dc.close();
            throw e;
        }
    }

    private void network(Path workDir) {
        String inUse = Commands.run(workDir, Map.of(), null, COMMAND_TIMEOUT, List.of("ip", "-4", "-o", "addr",
                "show")).output;
        if (inUse.contains(" 10.77.20.")) {
            fail("10.77.20.0/30 is already in use on this machine (another run of this test?): " + inUse);
        }
        String dcLink = hostLink.substring(0, hostLink.length() - 1) + "d";
        must(List.of("ip", "netns", "add", namespace));
        networkUp = true;
        must(List.of("ip", "link", "add", hostLink, "type", "veth", "peer", "name", dcLink));
        must(List.of("ip", "link", "set", dcLink, "netns", namespace));
        must(List.of("ip", "addr", "add", HOST_ADDRESS + "/30", "dev", hostLink));
        must(List.of("ip", "link", "set", hostLink, "up"));
        must(List.of("ip", "-n", namespace, "link", "set", "lo", "up"));
        must(List.of("ip", "-n", namespace, "addr", "add", DC_ADDRESS + "/30", "dev", dcLink));
        must(List.of("ip", "-n", namespace, "link", "set", dcLink, "up"));
        try {
            Files.createDirectories(netnsEtc);
            Files.writeString(netnsEtc.resolve("resolv.conf"), "nameserver " + DC_ADDRESS + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A member server's smb.conf, everything but winbindd's socket in the temporary directory. */
    private void memberConfiguration() throws IOException {
        Path member = Files.createDirectories(dir.resolve("member"));
        StringBuilder conf = new StringBuilder("[global]\n");
        for (String line : List.of("security = ads", "realm = " + REALM, "workgroup = " + DOMAIN,
                "netbios name = RADMFA-APP", "kerberos method = secrets and keytab",
                "idmap config * : backend = tdb", "idmap config * : range = 100000-199999",
                "private dir = " + member.resolve("private"), "state directory = " + member.resolve("state"),
                "cache directory = " + member.resolve("cache"), "lock directory = " + member.resolve("lock"),
                "pid directory = " + member, "ncalrpc dir = " + member.resolve("ncalrpc"),
                "log file = " + member.resolve("log.%m"))) {
            conf.append("    ").append(line).append('\n');
        }
        for (String sub : List.of("private", "state", "cache", "lock", "ncalrpc")) {
            Files.createDirectories(member.resolve(sub));
        }
        Files.writeString(memberConf, conf.toString());
    }

    /** A key and self-signed certificate naming the DC's address and name, as PEM for Samba and PKCS12 for us. */
    private void certificate() throws IOException {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        Path keyStore = tls.resolve("dc.p12");
        must(List.of("keytool", "-genkeypair", "-alias", "dc", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=dc1.radmfa.test", "-ext", "san=ip:" + DC_ADDRESS + ",dns:dc1.radmfa.test",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", TRUST_STORE_PASSWORD));
        try {
            KeyStore store = KeyStore.getInstance(keyStore.toFile(), TRUST_STORE_PASSWORD.toCharArray());
            Certificate certificate = store.getCertificate("dc");
            byte[] key = store.getKey("dc", TRUST_STORE_PASSWORD.toCharArray()).getEncoded();
            writePem(tls.resolve("key.pem"), "PRIVATE KEY", key);
            Files.setPosixFilePermissions(tls.resolve("key.pem"),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            writePem(tls.resolve("cert.pem"), "CERTIFICATE", certificate.getEncoded());
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("radmfa-test-dc", certificate);
            try (var out = Files.newOutputStream(trustStore)) {
                trust.store(out, TRUST_STORE_PASSWORD.toCharArray());
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot convert the DC's key store " + keyStore, e);
        }
    }

    private static void writePem(Path file, String type, byte[] der) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            out.write("-----BEGIN " + type + "-----\n");
            out.write(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der));
            out.write("\n-----END " + type + "-----\n");
        }
    }

    /**
     * Runs Python statements against the DC's database with {@code samdb}, an open {@code samba.samdb.SamDB}: the
     * API samba-tool's own user and group commands call ({@code samdb.newuser}, {@code newgroup},
     * {@code add_remove_group_members}, {@code disable_account}), in one process instead of one samba-tool per
     * change (about 1.5 s each). Before {@link #start}, or beside the running DC.
     */
    void populate(String statements) {
        Commands.Result result = Commands.run(dir, Map.of(), statements, COMMAND_TIMEOUT, List.of(
                SAMBA_PYTHON.toString(), "-c", "import sys\n"
                        + "from samba.samdb import SamDB\n"
                        + "from samba.param import LoadParm\n"
                        + "from samba.auth import system_session\n"
                        + "lp = LoadParm(); lp.load(sys.argv[1])\n"
                        + "samdb = SamDB(url=sys.argv[2], session_info=system_session(), lp=lp)\n"
                        + "exec(sys.stdin.read())\n", smbConf.toString(), dir.resolve("private/sam.ldb").toString()));
        assertEquals(statements + "\n" + result, 0, result.exitCode);
    }

    /**
     * Replaces one attribute of an entry in the DC's database file, below Samba's checks: for what no tool may set,
     * e.g. a pwdLastSet in the past (an expired password). Only before {@link #start}.
     */
    void setRaw(String dn, String attribute, String value) {
        String partition = dir.resolve("private/sam.ldb.d/" + BASE_DN.toUpperCase(java.util.Locale.ROOT) + ".ldb")
                .toString();
        must(List.of(SAMBA_PYTHON.toString(), "-c", "import ldb, sys\n"
                + "db = ldb.Ldb(sys.argv[1], options=['modules:'])\n"
                + "m = ldb.Message(); m.dn = ldb.Dn(db, sys.argv[2])\n"
                + "m[sys.argv[3]] = ldb.MessageElement(sys.argv[4], ldb.FLAG_MOD_REPLACE, sys.argv[3])\n"
                + "db.modify(m)\n", partition, dn, attribute, value));
    }

    /**
     * Starts samba in the foreground in the namespace, with its own /run/samba; joins the member with
     * {@code net ads join} (what bin/radmfa-ad-join runs) and starts the member's winbindd; returns when that
     * winbindd checks this user's password with the DC.
     */
    void start(Duration timeout, String probeUser, String probePassword) throws IOException {
        samba = new ProcessBuilder("ip", "netns", "exec", namespace, "sh", "-c", "mkdir -p /run/samba && mount -t"
                + " tmpfs -o mode=0755 radmfa-test-dc /run/samba && exec samba -i -M single -s \"$0\"",
                smbConf.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("samba.out").toFile())
                .start();
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitCommand("the member joined with net ads join", deadline, List.of("ip", "netns", "exec", namespace,
                "net", "ads", "join", "-S", "dc1." + REALM.toLowerCase(java.util.Locale.ROOT), "-U", "Administrator%"
                        + ADMIN_PASSWORD, "--configfile=" + memberConf, "--no-dns-updates"));
        startMemberWinbindd();
        awaitCommand("the member's winbindd checking " + probeUser + "'s password with the DC", deadline,
                ntlmAuthCommand(List.of("--username=" + probeUser, "--password=" + probePassword,
                        "--domain=" + DOMAIN)));
    }

    /** (Re)starts the member's winbindd in the foreground, in the namespace (it resolves the DC by its DNS). */
    void startMemberWinbindd() throws IOException {
        memberWinbindd = new ProcessBuilder("ip", "netns", "exec", namespace, "winbindd", "-F", "--no-process-group",
                "-s", memberConf.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("member/winbindd.out").toFile()))
                .start();
    }

    /** The member's winbindd and its children. */
    List<ProcessHandle> memberWinbindd() {
        List<ProcessHandle> all = new ArrayList<>();
        if (memberWinbindd != null && memberWinbindd.isAlive()) {
            all.add(memberWinbindd.toHandle());
            memberWinbindd.descendants().forEach(all::add);
        }
        return all;
    }

    private void awaitCommand(String what, long deadline, List<String> command) {
        Commands.Result last = null;
        while (System.nanoTime() < deadline) {
            if (!samba.isAlive()) {
                fail("samba exited with " + samba.exitValue() + ": " + tail(dir.resolve("samba.out")));
            }
            last = Commands.run(dir, Map.of(), null, COMMAND_TIMEOUT, command);
            if (last.exitCode == 0) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        fail("timed out waiting for " + what + ": " + last + "\n" + tail(dir.resolve("samba.out")));
    }

    /** ntlm_auth as the appliance runs it, on the member's configuration. */
    Commands.Result ntlmAuth(List<String> arguments) {
        return Commands.run(dir, Map.of(), null, COMMAND_TIMEOUT, ntlmAuthCommand(arguments));
    }

    private List<String> ntlmAuthCommand(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("ntlm_auth", "--configfile=" + memberConf));
        command.addAll(arguments);
        return command;
    }

    /** The process ids of samba and everything it started (smbd, winbindd and their children). */
    List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        if (samba != null) {
            all.add(samba.toHandle());
            samba.descendants().forEach(all::add);
        }
        return all;
    }

    /**
     * Stops the member's winbindd, the helpers Samba started on demand for the member (samba-dcerpcd, found by the
     * member's configuration path in their command line, as they detach), and samba (SIGTERM takes its children
     * along); then removes the namespace, its resolver file and the directory.
     */
    @Override
    public void close() {
        List<ProcessHandle> member = new ArrayList<>(memberWinbindd());
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(memberConf.toString()))
                .orElse(false)).forEach(member::add);
        stop(member);
        if (samba != null && samba.isAlive()) {
            // 'ip netns exec' and sh exec samba in their place: this is samba's root process, which stops its children.
            stop(processes());
        }
        if (networkUp) {
            Commands.run(dir, Map.of(), null, COMMAND_TIMEOUT, List.of("ip", "netns", "del", namespace));
            if (Commands.run(dir, Map.of(), null, COMMAND_TIMEOUT, List.of("ip", "link", "show", hostLink))
                    .exitCode == 0) {
                Commands.run(dir, Map.of(), null, COMMAND_TIMEOUT, List.of("ip", "link", "del", hostLink));
            }
        }
        try {
            RunningAppliance.deleteTree(netnsEtc);
            try {
                Files.deleteIfExists(netnsEtc.getParent());
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                // other namespaces' files: not ours
            }
            RunningAppliance.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM to the first (its children follow it), then to any left; SIGKILL what is still there after 20 s. */
    static void stop(List<ProcessHandle> tree) {
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle process : tree) {
            process.onExit().completeOnTimeout(process, 20, TimeUnit.SECONDS).join();
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private Commands.Result must(List<String> command) {
        Commands.Result result = Commands.run(dir, Map.of(), null, COMMAND_TIMEOUT, command);
        assertEquals(result.toString(), 0, result.exitCode);
        return result;
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
