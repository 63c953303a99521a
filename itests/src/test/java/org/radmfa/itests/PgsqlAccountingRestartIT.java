package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.radmfa.radius.codec.AttributeType;
import org.radmfa.radius.codec.PacketBuilder;
import org.radmfa.radius.codec.PacketCode;
import org.radmfa.radius.codec.RadiusCrypto;
import org.radmfa.radius.codec.Verification;

/**
 * Accounting in PostgreSQL from the first request after a restart. The shipped assembly with radmfa-accounting-pgsql
 * installed and a private PostgreSQL (Debian's package) on loopback; after a restart, Accounting-Requests are sent
 * from bin/start on until the accounting port takes one, and that first record must reach the database, not only the
 * file: the PostgreSQL sink starts before the transport opens its ports (features/feature.xml, docs/startup.md).
 */
public class PgsqlAccountingRestartIT {
    private static final String SECRET = "testing123";
    private static final int ACCT_STATUS_TYPE = 40;
    private static final int ACCT_SESSION_ID = 44;
    private static final String DATABASE = "radmfa";
    private static final String ROLE = "radmfa_accounting";
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STORED_TIMEOUT = Duration.ofSeconds(90);
    /** How long an Accounting-Request the open port took may wait for its answer (the file's fsync, on a busy box). */
    private static final int ANSWER_TIMEOUT_MILLIS = 20_000;

    @Test
    public void theFirstAccountingRequestAfterARestartReachesPostgres() throws Exception {
        Path itestDir = Files.createDirectories(Paths.get(property("radmfa.itest.dir")));
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        int databasePort = FreePorts.tcp(1)[0];
        try (NamespacePostgres database = NamespacePostgres.onLoopback(databasePort, DATABASE, ROLE, password);
                RunningAppliance appliance = new RunningAppliance(Paths.get(property("radmfa.assembly.dir"))
                        .toRealPath(), itestDir, "pgsql-restart", List.of())) {
            Path etc = appliance.home.resolve("etc");
            Path features = etc.resolve("org.apache.karaf.features.cfg");
            PropertiesFiles.put(features, "featuresBoot", PropertiesFiles.get(features, "featuresBoot")
                    + ", radmfa-accounting-pgsql");
            Files.writeString(etc.resolve("org.radmfa.accounting.pgsql.cfg"), "url = jdbc:postgresql://127.0.0.1:"
                    + databasePort + "/" + DATABASE + "\nuser = " + ROLE + "\n.password = " + password
                    + "\nconnectTimeoutSeconds = 2\n");

            appliance.start(BOOT_TIMEOUT);
            // The first start installs the boot features: every bundle is awaited, so that this record checks only
            // that the sink stores at all.
            Await.until("start level 100 (every bundle started)", BOOT_TIMEOUT,
                    () -> appliance.shell("system:start-level").contains("100"));
            String beforeRestart = firstAnsweredAccounting(appliance, "before-restart");
            awaitStored(database, beforeRestart, appliance);

            appliance.stop();
            CompletableFuture<String> first = CompletableFuture.supplyAsync(
                    () -> firstAnsweredAccounting(appliance, "after-restart"));
            appliance.start(BOOT_TIMEOUT);
            String afterRestart = first.get(BOOT_TIMEOUT.toSeconds() + ANSWER_TIMEOUT_MILLIS / 1000,
                    TimeUnit.SECONDS);
            System.out.println("PgsqlAccountingRestartIT: first Accounting-Request answered after the restart: "
                    + afterRestart);
            awaitStored(database, afterRestart, appliance);
        }
    }

    private static void awaitStored(NamespacePostgres database, String session, RunningAppliance appliance) {
        String query = "SELECT count(*) FROM accounting_record WHERE session_id = '" + session + "'";
        try {
            Await.until("session " + session + " in PostgreSQL", STORED_TIMEOUT,
                    () -> database.count(DATABASE, query) == 1);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nkaraf.log (tail):\n" + appliance.logTail(40), e);
        }
    }

    /**
     * Sends Accounting-Requests (Start, a new session each) one at a time until the accounting port takes one (a closed
     * port refuses a datagram at once, with ICMP, on a connected socket), and waits for its answer.
     *
     * @return the session of the first request answered with an Accounting-Response
     */
    private static String firstAnsweredAccounting(RunningAppliance appliance, String sessionPrefix) {
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.connect(new InetSocketAddress("127.0.0.1", appliance.acctPort));
            for (int attempt = 0; System.nanoTime() - deadline < 0; attempt++) {
                String session = sessionPrefix + "-" + attempt;
                byte[] request = accountingStart(attempt & 0xFF, session);
                try {
                    socket.send(new DatagramPacket(request, request.length));
                    socket.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
                    DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
                    socket.receive(answer);
                    assertEquals("Accounting-Response", PacketCode.ACCOUNTING_RESPONSE, answer.getData()[0] & 0xFF);
                    assertEquals("identifier", request[1], answer.getData()[1]);
                    Verification verified = new RadiusCrypto(SECRET.getBytes(StandardCharsets.UTF_8)).verifyResponse(
                            answer.getData(), answer.getLength(), Arrays.copyOfRange(request, 4, 20));
                    assertTrue("Accounting-Response of " + session + ": " + verified.description(), verified.valid());
                    return session;
                } catch (PortUnreachableException e) {
                    // Polled while the port is closed: each refusal comes at once, and a tight loop would take the
                    // CPU from the Karaf that is starting.
                    Thread.sleep(20);
                } catch (SocketTimeoutException e) {
                    fail("the accounting port took " + session + " but sent no answer within " + ANSWER_TIMEOUT_MILLIS
                            + " ms\nkaraf.log (tail):\n" + appliance.logTail(40));
                }
            }
            throw new AssertionError("the accounting port did not open within " + BOOT_TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** RFC 2866: User-Name, Acct-Status-Type Start, Acct-Session-Id, NAS-IP-Address, and the Request Authenticator. */
    private static byte[] accountingStart(int identifier, String session) {
        byte[] packet = new PacketBuilder(PacketCode.ACCOUNTING_REQUEST, identifier, new byte[16])
                .add(AttributeType.USER_NAME, "demo")
                .addInteger(ACCT_STATUS_TYPE, 1)
                .add(ACCT_SESSION_ID, session)
                .add(AttributeType.NAS_IP_ADDRESS, new byte[] {127, 0, 0, 1})
                .build();
        // MD5(Code + Identifier + Length + 16 zero octets + Attributes + Secret)
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(packet);
            System.arraycopy(md5.digest(SECRET.getBytes(StandardCharsets.UTF_8)), 0, packet, 4, 16);
            return packet;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertTrue("system property " + name + " (set by failsafe): run with Maven", value != null);
        return value;
    }
}
