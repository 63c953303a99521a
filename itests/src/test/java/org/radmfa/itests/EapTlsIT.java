package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * EAP-TLS (issue 22) black-box against the assembly as shipped, with wpa_supplicant's eapol_test as the peer and
 * certificates made here with openssl: a valid client certificate over TLS 1.2 and TLS 1.3 (eapol_test compares the
 * MSK it derived with the MS-MPPE keys of the Access-Accept), one naming its user by UPN, and the refusals: expired,
 * another CA, revoked by the configured CRL, no clientAuth EKU, and a user whose policy requires MFA when no MFA
 * connector can give it. PEAPv0 with EAP-MSCHAPv2 inside, with the same server certificate: accepted with the
 * tunnel's keys, and a wrong password rejected; with peapCryptoBinding = required, a peer without crypto binding
 * rejected. Revocation by CRL and by openssl's OCSP responder (hard fail).
 */
public class EapTlsIT {
    private static final String SECRET = "testing123";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration RADIUS_TIMEOUT = Duration.ofSeconds(90);

    /** A CA, the server's certificate and one client certificate per case; openssl 3.0 as in Debian 12. */
    private static final String PKI = """
            set -e
            ca() { openssl req -x509 -newkey rsa:2048 -nodes -keyout $1.key -out $1.pem -days 30 -subj "/CN=$2" \\
                -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"; }
            ca ca "radmfa test CA"
            ca other-ca "another CA"
            mkdir -p db && : > db/index.txt && echo 1000 > db/serial && echo "unique_subject = no" > db/index.txt.attr
            cat > ca.cnf <<'CNF'
            [ca]
            default_ca = test
            [test]
            database = db/index.txt
            new_certs_dir = db
            serial = db/serial
            default_md = sha256
            policy = any
            unique_subject = no
            default_crl_days = 30
            [any]
            commonName = supplied
            [server]
            extendedKeyUsage = serverAuth
            [client]
            extendedKeyUsage = clientAuth
            [upn]
            extendedKeyUsage = clientAuth
            subjectAltName = otherName:1.3.6.1.4.1.311.20.2.3;UTF8:demo
            CNF
            issue() { # file subject issuer extensions [dates]
              openssl req -newkey rsa:2048 -nodes -keyout $1.key -out $1.csr -subj "$2"
              openssl ca -batch -notext -config ca.cnf -cert $3.pem -keyfile $3.key -in $1.csr -out $1.pem \\
                  -extensions $4 ${5:--days 30}
            }
            issue server "/CN=radius.example" ca server
            issue demo "/CN=demo" ca client
            issue upn "/CN=Someone Else" ca upn
            issue mfa "/CN=mfa-demo" ca client
            issue expired "/CN=demo" ca client "-startdate 20200101000000Z -enddate 20200201000000Z"
            issue wrongca "/CN=demo" other-ca client
            issue noclientauth "/CN=demo" ca server
            issue revoked "/CN=demo" ca client
            openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -revoke revoked.pem
            openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -gencrl -out ca-crl.pem
            # revoked after the CRL was made: only the OCSP responder, which reads db/index.txt, knows
            issue ocsprevoked "/CN=ocsp-revoked-demo" ca client
            openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -revoke ocsprevoked.pem
            """;

    private static RunningAppliance appliance;
    private static Path pki;
    private static Process ocspResponder;

    @BeforeClass
    public static void startAppliance() throws Exception {
        for (String command : List.of("eapol_test", "openssl")) {
            if (!Commands.onPath(command)) {
                fail(command + " not found: install eapoltest and openssl (./test.sh does it when run as root)");
            }
        }
        Path itestDir = Files.createDirectories(Paths.get(property("radmfa.itest.dir")));
        pki = Files.createTempDirectory(itestDir, "eap-tls-pki-");
        Commands.Result made = Commands.run(pki, System.getenv(), PKI, Duration.ofSeconds(120), List.of("bash", "-s"));
        assertEquals("openssl made the test PKI: " + made, 0, made.exitCode);
        // openssl's OCSP responder for the test CA (hard fail); it alone knows of ocsprevoked's revocation.
        int ocspPort = FreePorts.tcp(1)[0];
        ocspResponder = new ProcessBuilder("openssl", "ocsp", "-index", "db/index.txt", "-port",
                String.valueOf(ocspPort), "-rsigner", "ca.pem", "-rkey", "ca.key", "-CA", "ca.pem", "-ignore_err")
                .directory(pki.toFile()).redirectErrorStream(true).redirectOutput(pki.resolve("ocsp.log").toFile())
                .start();
        appliance = new RunningAppliance(Paths.get(property("radmfa.assembly.dir")).toRealPath(), itestDir,
                "eap-tls", List.of());
        Files.writeString(appliance.home.resolve("etc/org.radmfa.eap.tls.cfg"), "certificateFile = "
                + pki.resolve("server.pem") + "\nprivateKeyFile = " + pki.resolve("server.key") + "\ntrustedCaFile = "
                + pki.resolve("ca.pem") + "\ncrlFiles = " + pki.resolve("ca-crl.pem") + "\npeap = true\n"
                + "peapFastReconnect = true\n"
                + "ocsp = hard\nocspResponder = http://127.0.0.1:" + ocspPort + "\n");
        // A network policy on the certificate: its issuer and purpose (PEAP logins have none and fall through).
        Files.writeString(appliance.home.resolve("etc/org.radmfa.policy-certificates.cfg"), "name = Corporate"
                + " certificates\norder = 5\naccess = grant\ncondition.userGroups = vpn-users\n"
                + "condition.certificateIssuer = ^CN=radmfa test CA$\ncondition.certificateEku = 1.3.6.1.5.5.7.3.2\n");
        // NPS's EAP types per policy: logins through the "tls-only" access point are offered EAP-TLS alone.
        Files.writeString(appliance.home.resolve("etc/org.radmfa.policy-tlsonly.cfg"), "name = Certificates only\n"
                + "order = 1\naccess = grant\ncondition.Called-Station-Id = ^tls-only$\n"
                + "constraint.authMethods = EAP_TLS\n");
        appliance.start(START_TIMEOUT);
        Await.until("EAP-TLS configured", RADIUS_TIMEOUT, () -> karafLog().contains("EAP-TLS from"));
        Await.until("a RADIUS answer to the demo user", RADIUS_TIMEOUT, () -> appliance.run(
                "User-Name = demo\nUser-Password = demo-password\n", "radclient", "-r", "1", "-t", "1",
                "127.0.0.1:" + appliance.authPort, "auth", SECRET).output.contains("Received Access-"));
    }

    @AfterClass
    public static void stopAppliance() throws Exception {
        try {
            if (appliance != null) {
                appliance.close();
            }
        } finally {
            if (ocspResponder != null) {
                ocspResponder.destroy();
                ocspResponder.waitFor();
            }
            if (pki != null) {
                RunningAppliance.deleteTree(pki);
            }
        }
    }

    @Test
    public void validCertificateOverTls12IsAcceptedWithMatchingMppeKeys() throws IOException {
        Commands.Result result = eapolTest("demo", "tls_disable_tlsv1_3=1", "02:00:00:00:01:12");
        assertAcceptedWithKeys(result);
        assertTrue(result.toString(), result.output.contains("Using TLS version TLSv1.2"));
        String audit = auditLine("02-00-00-00-01-12", "ACCEPT");
        assertTrue(audit, audit.contains("\"policy\":\"Corporate certificates\""));
    }

    @Test
    public void validCertificateOverTls13IsAcceptedWithMatchingMppeKeys() throws IOException {
        Commands.Result result = eapolTest("demo", "tls_disable_tlsv1_3=0 tls_disable_tlsv1_2=0");
        assertAcceptedWithKeys(result);
        assertTrue(result.toString(), result.output.contains("Using TLS version TLSv1.3"));
    }

    @Test
    public void theUserIsTheUpnOfTheSubjectAltNameBeforeTheCommonName() throws IOException {
        // CN "Someone Else" is no user; the UPN "demo" is.
        assertAcceptedWithKeys(eapolTest("upn", "tls_disable_tlsv1_3=1"));
    }

    @Test
    public void expiredCertificateIsRefusedWithTheReasonLogged() throws IOException {
        assertRefused(eapolTest("expired", ""), "is refused: expired");
    }

    @Test
    public void certificateOfAnotherCaIsRefused() throws IOException {
        assertRefused(eapolTest("wrongca", ""), "issued by CN=another CA is refused");
    }

    @Test
    public void certificateRevokedByTheCrlIsRefused() throws IOException {
        assertRefused(eapolTest("revoked", ""), "is refused: revoked");
    }

    @Test
    public void certificateRevokedOnlyAtTheOcspResponderIsRefused() throws IOException {
        assertRefused(eapolTest("ocsprevoked", ""), "CN=ocsp-revoked-demo issued by CN=radmfa test CA is refused:"
                + " revoked");
    }

    @Test
    public void certificateWithoutClientAuthUsageIsRefused() throws IOException {
        assertRefused(eapolTest("noclientauth", ""), "is not for client authentication");
    }

    @Test
    public void policyRequiringMfaIsAppliedAfterTheHandshakeAndBeforeAnyAccept() throws IOException {
        // mfa-demo's policy requires MFA; no connector is installed, so the second factor fails closed.
        Commands.Result result = eapolTest("mfa", "", "02:00:00:00:02:01");
        // The handshake succeeded (the peer says so); the answer to its last round is still a reject.
        assertTrue(result.toString(), result.output.contains("EAP: Received EAP-Failure"));
        assertTrue(result.toString(), result.output.contains("(Access-Reject)"));
        assertTrue(result.toString(), !result.output.contains("CTRL-EVENT-EAP-SUCCESS"));
        String audit = auditLine("02-00-00-00-02-01", "REJECT");
        assertTrue(audit, audit.contains("\"user\":\"mfa-demo\""));
        assertTrue(audit, audit.contains("MFA_UNAVAILABLE"));
        assertTrue(audit, audit.contains("Demo MFA users"));
    }

    @Test
    public void peapWithMsChapV2InsideIsAcceptedWithTheTunnelsMppeKeys() throws IOException {
        Commands.Result result = peap("demo-password", "02:00:00:00:03:01");
        assertAcceptedWithKeys(result);
        assertTrue(result.toString(), result.output.contains("EAP-MSCHAPV2: Authentication succeeded"));
        // No certificate: the certificate policy does not match, the group policy does.
        String audit = auditLine("02-00-00-00-03-01", "ACCEPT");
        assertTrue(audit, audit.contains("\"policy\":\"Demo VPN users\""));
    }

    @Test
    public void peapWithAWrongPasswordIsRejected() throws IOException {
        Commands.Result result = peap("not-the-password", "02:00:00:00:03:02");
        assertTrue(result.toString(), result.output.contains("EAP: Received EAP-Failure"));
        assertTrue(result.toString(), result.output.contains("(Access-Reject)"));
        assertTrue(result.toString(), !result.output.contains("CTRL-EVENT-EAP-SUCCESS"));
        String audit = auditLine("02-00-00-00-03-02", "REJECT");
        assertTrue(audit, audit.contains("AUTHENTICATION_FAILED"));
    }

    @Test
    public void eapMsChapV2IsStillOfferedFirstBesideTheTlsMethods() throws IOException {
        Path config = pki.resolve("eapol-mschapv2.conf");
        Files.writeString(config, "network={\n    key_mgmt=IEEE8021X\n    eap=MSCHAPV2\n    identity=\"demo\"\n"
                + "    password=\"demo-password\"\n}\n");
        Commands.Result result = appliance.run(null, "eapol_test", "-c", config.toString(), "-a", "127.0.0.1", "-p",
                String.valueOf(appliance.authPort), "-s", SECRET, "-r0", "-t", "20");
        assertAcceptedWithKeys(result);
        assertTrue(result.toString(), !result.output.contains("EAP-Nak"));
    }

    @Test
    public void peapWithCryptoBindingRequiredByThePeerIsAcceptedWithTheBoundKeys() throws IOException {
        // crypto_binding=2: wpa_supplicant refuses a server without a valid Crypto-Binding TLV, and derives the MSK
        // from the binding's keys (CSK), which the MPPE key check then compares with ours.
        Commands.Result result = peap("demo-password", "02:00:00:00:03:03", "peapver=0 crypto_binding=2", "-r0");
        assertAcceptedWithKeys(result);
        assertTrue(result.toString(), result.output.contains("EAP-MSCHAPV2: Authentication succeeded"));
    }

    /**
     * peapCryptoBinding = required (NPS: "Disconnect Clients without Cryptobinding"), set while the appliance runs: a
     * peer that ignores the binding (crypto_binding=0) is rejected, one that requires it (crypto_binding=2) is
     * accepted with the bound keys. The file is put back as it was, and the test waits until the appliance has read it
     * again.
     */
    @Test
    public void peapWithCryptoBindingRequiredByTheServerRejectsAPeerThatIgnoresIt() throws IOException {
        Path file = appliance.home.resolve("etc/org.radmfa.eap.tls.cfg");
        String original = Files.readString(file, StandardCharsets.UTF_8);
        int requiredBefore = occurrences(karafLog(), "PEAP crypto binding required");
        Files.writeString(file, original + "peapCryptoBinding = required\n");
        try {
            Await.until("peapCryptoBinding = required read", RADIUS_TIMEOUT, () -> occurrences(karafLog(),
                    "PEAP crypto binding required") > requiredBefore);
            Commands.Result refused = peap("demo-password", "02:00:00:00:03:05", "peapver=0 crypto_binding=0", "-r0");
            assertTrue(refused.toString(), refused.output.contains("EAP: Received EAP-Failure"));
            assertTrue(refused.toString(), refused.output.contains("(Access-Reject)"));
            assertTrue(refused.toString(), !refused.output.contains("CTRL-EVENT-EAP-SUCCESS"));
            // The refusal comes after the pipeline accepted the inner MS-CHAPv2 (whose record the audit holds): the
            // EAP method logs it, with its reason.
            Await.until("the refusal logged", RADIUS_TIMEOUT, () -> karafLog().contains(
                    "the peer sent no Crypto-Binding TLV and peapCryptoBinding = required"));

            Commands.Result accepted = peap("demo-password", "02:00:00:00:03:06", "peapver=0 crypto_binding=2", "-r0");
            assertAcceptedWithKeys(accepted);
        } finally {
            int optionalBefore = occurrences(karafLog(), "PEAP crypto binding optional");
            Files.writeString(file, original, StandardCharsets.UTF_8);
            Await.until("peapCryptoBinding back to optional", RADIUS_TIMEOUT, () -> occurrences(karafLog(),
                    "PEAP crypto binding optional") > optionalBefore);
        }
    }

    @Test
    public void peapFastReconnectResumesTheSessionAndSkipsTheInnerMethod() throws IOException {
        Commands.Result result = peap("demo-password", "02:00:00:00:03:04", "peapver=0 crypto_binding=1", "-r1");
        assertTrue(result.toString(), result.output.contains("MPPE keys OK: 2  mismatch: 0"));
        assertEquals(result.toString(), 0, result.exitCode);
        // One MS-CHAPv2 exchange for two logins: the second resumed the TLS session (MS-PEAP fast reconnect).
        assertEquals(result.toString(), 1, occurrences(result.output, "EAP-MSCHAPV2: Authentication succeeded"));
        Await.until("the fast reconnect logged", RADIUS_TIMEOUT, () -> karafLog().contains(
                "PEAP fast reconnect of 'demo'"));
    }

    @Test
    public void eapTlsSessionResumptionDecidesTheLoginAgain() throws IOException {
        Path config = pki.resolve("eapol-resume.conf");
        Files.writeString(config, "network={\n    key_mgmt=IEEE8021X\n    eap=TLS\n    identity=\"demo\"\n"
                + "    ca_cert=\"" + pki.resolve("ca.pem") + "\"\n    client_cert=\"" + pki.resolve("demo.pem") + "\"\n"
                + "    private_key=\"" + pki.resolve("demo.key") + "\"\n    phase1=\"tls_disable_tlsv1_3=1\"\n}\n");
        Commands.Result result = appliance.run(null, "eapol_test", "-c", config.toString(), "-a", "127.0.0.1", "-p",
                String.valueOf(appliance.authPort), "-s", SECRET, "-r1", "-t", "20", "-M02:00:00:00:01:13");
        assertTrue(result.toString(), result.output.contains("MPPE keys OK: 2  mismatch: 0"));
        assertEquals(result.toString(), 0, result.exitCode);
        Await.until("the resumption logged", RADIUS_TIMEOUT, () -> karafLog().contains(
                "EAP-TLS session of 'demo' from client"));
        // Resumed or not, the policy decided each login: two audit records.
        Await.until("two accepts audited", RADIUS_TIMEOUT, () -> auditLines().stream().filter(line -> line.contains(
                "\"Calling-Station-Id\":\"02-00-00-00-01-13\"") && line.contains("\"outcome\":\"ACCEPT\"")).count() >= 2);
    }

    @Test
    public void thePolicysEapTypesDecideWhatIsProposedAndANakToAnotherIsRefused() throws IOException {
        // The "Certificates only" policy allows EAP-TLS alone: proposed at once, without EAP-MSCHAPv2 first.
        Path tls = pki.resolve("eapol-tls-only.conf");
        Files.writeString(tls, "network={\n    key_mgmt=IEEE8021X\n    eap=TLS\n    identity=\"demo\"\n"
                + "    ca_cert=\"" + pki.resolve("ca.pem") + "\"\n    client_cert=\"" + pki.resolve("demo.pem") + "\"\n"
                + "    private_key=\"" + pki.resolve("demo.key") + "\"\n}\n");
        Commands.Result accepted = appliance.run(null, "eapol_test", "-c", tls.toString(), "-a", "127.0.0.1", "-p",
                String.valueOf(appliance.authPort), "-s", SECRET, "-r0", "-t", "20", "-N30:s:tls-only");
        assertAcceptedWithKeys(accepted);
        assertTrue(accepted.toString(), !accepted.output.contains("EAP-Nak"));

        // A peer that speaks EAP-MSCHAPv2 only Naks EAP-TLS: the policy does not allow it, reason 66.
        Path msChap = pki.resolve("eapol-mschapv2-tls-only.conf");
        Files.writeString(msChap, "network={\n    key_mgmt=IEEE8021X\n    eap=MSCHAPV2\n    identity=\"demo\"\n"
                + "    password=\"demo-password\"\n}\n");
        Commands.Result refused = appliance.run(null, "eapol_test", "-c", msChap.toString(), "-a", "127.0.0.1", "-p",
                String.valueOf(appliance.authPort), "-s", SECRET, "-r0", "-t", "20", "-N30:s:tls-only");
        assertTrue(refused.toString(), refused.output.contains("EAP-Nak"));
        assertTrue(refused.toString(), refused.output.contains("Access-Reject"));
        assertTrue(refused.toString(), !refused.output.contains("CTRL-EVENT-EAP-SUCCESS"));
        Await.until("the refusal logged", RADIUS_TIMEOUT, () -> karafLog().contains(
                "is not allowed by the network policies that may decide this login (they allow EAP-TLS"));
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private static Commands.Result peap(String password, String mac) throws IOException {
        return peap(password, mac, "peapver=0", "-r0");
    }

    private static Commands.Result peap(String password, String mac, String phase1, String reauthentications)
            throws IOException {
        Path config = pki.resolve("eapol-peap-" + password + "-" + Math.abs(phase1.hashCode()) + ".conf");
        Files.writeString(config, "network={\n    key_mgmt=IEEE8021X\n    eap=PEAP\n    identity=\"demo\"\n"
                + "    password=\"" + password + "\"\n    ca_cert=\"" + pki.resolve("ca.pem") + "\"\n"
                + "    phase1=\"" + phase1 + "\"\n    phase2=\"auth=MSCHAPV2\"\n}\n");
        return appliance.run(null, "eapol_test", "-c", config.toString(), "-a", "127.0.0.1", "-p",
                String.valueOf(appliance.authPort), "-s", SECRET, reauthentications, "-t", "20", "-M" + mac);
    }

    private static void assertAcceptedWithKeys(Commands.Result result) {
        assertTrue(result.toString(), result.output.contains("CTRL-EVENT-EAP-SUCCESS"));
        // eapol_test derives the MSK itself and compares it with MS-MPPE-Recv-Key and MS-MPPE-Send-Key.
        assertTrue(result.toString(), result.output.contains("MPPE keys OK: 1  mismatch: 0"));
        assertEquals(result.toString(), 0, result.exitCode);
    }

    private static void assertRefused(Commands.Result result, String reason) {
        assertTrue(result.toString(), result.output.contains("CTRL-EVENT-EAP-FAILURE"));
        assertTrue(result.toString(), result.output.contains("Access-Reject"));
        assertTrue(result.toString(), !result.output.contains("CTRL-EVENT-EAP-SUCCESS"));
        Await.until("the refusal logged with '" + reason + "'", RADIUS_TIMEOUT, () -> karafLog().contains(reason));
    }

    private static Commands.Result eapolTest(String certificate, String phase1) throws IOException {
        return eapolTest(certificate, phase1, "02:00:00:00:00:01");
    }

    /** With the MAC address eapol_test sends as Calling-Station-Id, by which the test finds its audit record. */
    private static Commands.Result eapolTest(String certificate, String phase1, String mac) throws IOException {
        Path config = pki.resolve("eapol-" + certificate + "-" + Math.abs(phase1.hashCode()) + ".conf");
        Files.writeString(config, "network={\n    key_mgmt=IEEE8021X\n    eap=TLS\n    identity=\"" + certificate
                + "\"\n    ca_cert=\"" + pki.resolve("ca.pem") + "\"\n    client_cert=\"" + pki.resolve(certificate
                + ".pem") + "\"\n    private_key=\"" + pki.resolve(certificate + ".key") + "\"\n    phase1=\""
                + phase1 + "\"\n}\n");
        return appliance.run(null, "eapol_test", "-c", config.toString(), "-a", "127.0.0.1", "-p",
                String.valueOf(appliance.authPort), "-s", SECRET, "-r0", "-t", "20", "-M" + mac);
    }

    /**
     * The audit record of the login from this Calling-Station-Id (eapol_test's -M) with that outcome, waited for: the
     * audit is written after the answer.
     */
    private static String auditLine(String callingStationId, String outcome) {
        String[] found = new String[1];
        Await.until("an audit record " + outcome + " from " + callingStationId, RADIUS_TIMEOUT, () -> {
            for (String line : auditLines()) {
                if (line.contains("\"Calling-Station-Id\":\"" + callingStationId + "\"")
                        && line.contains("\"outcome\":\"" + outcome + "\"")) {
                    found[0] = line;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Every audit record, oldest first (one file per day; sorted by name, the date). */
    private static List<String> auditLines() {
        List<String> lines = new java.util.ArrayList<>();
        try (var files = Files.list(appliance.home.resolve("data/audit"))) {
            for (Path file : files.sorted().toList()) {
                lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // not written yet
        }
        return lines;
    }

    private static String karafLog() {
        try {
            return Files.readString(appliance.home.resolve("data/log/karaf.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set (run through Maven)");
        }
        return value;
    }
}
