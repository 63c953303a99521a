package org.radmfa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * IKEv2 users with their Active Directory password, against a real AD: a Samba 4 AD DC in a network namespace and
 * a member server joined to it ({@link SambaDomainController}), the assembly as shipped with its LDAP/AD directory
 * pointed at the DC over LDAPS (groups by LDAP_MATCHING_RULE_IN_CHAIN) and MS-CHAPv2 checked by the domain through
 * the member's winbind (real ntlm_auth helpers), and Debian's clients: eapol_test for EAP-MSCHAPv2 (it checks the MPPE keys itself) and radclient for
 * MS-CHAPv2 (the peer's side computed by {@link MsChapV2Peer}) and PAP.
 * <p>
 * The domain: alice in ad-engineers, itself a member of vpn-users (granted by the demo policy "Demo VPN users");
 * dave disabled, erin with an expired password, frank, hank and ivy who must change theirs at next logon (hank and
 * ivy do, by MS-CHAPv2 and EAP-MSCHAPv2), gina locked out after wrong passwords; all of them in vpn-users.
 */
public class ActiveDirectoryIT {
    private static final Duration DC_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration APPLIANCE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final String SECRET = "testing123";
    private static final Map<String, String> PASSWORDS = Map.of("svc-radius", "Svc-Pass-2026", "alice",
            "Alice-Pass-2026", "dave", "Dave-Pass-2026", "erin", "Erin-Pass-2026", "frank", "Frank-Pass-2026",
            "gina", "Gina-Pass-2026", "hank", "Hank-Pass-2026", "ivy", "Ivy-Pass-2026", "jack", "Jack-Pass-2026",
            "kate", "Kate-Pass-2026");
    /** Users who must change their password at next logon. */
    private static final java.util.Set<String> MUST_CHANGE = java.util.Set.of("frank", "hank", "ivy");
    /** Well above the wrong passwords the tests send alice (4), so that only gina is locked out. */
    private static final int LOCKOUT_THRESHOLD = 10;

    private static Path itestDir;
    private static SambaDomainController dc;
    private static RunningAppliance appliance;

    @BeforeClass
    public static void startDomainAndAppliance() throws Exception {
        for (String command : List.of("radclient", "eapol_test")) {
            if (!Commands.onPath(command)) {
                fail(command + " not found: install freeradius-utils and eapoltest (./test.sh does it as root)");
            }
        }
        itestDir = Files.createDirectories(Paths.get(property("radmfa.itest.dir")));
        long provisionStart = System.nanoTime();
        dc = SambaDomainController.provision(itestDir);
        createUsers();
        dc.start(DC_TIMEOUT, "alice", PASSWORDS.get("alice"));
        lockOut("gina");
        System.out.printf("ActiveDirectoryIT: Samba AD DC provisioned, populated and started in %d ms%n",
                (System.nanoTime() - provisionStart) / 1_000_000);

        appliance = new RunningAppliance(Paths.get(property("radmfa.assembly.dir")).toRealPath(), itestDir, "ad",
                List.of());
        Path etc = appliance.home.resolve("etc");
        Path directory = etc.resolve("org.radmfa.directory.ldap-corp.cfg");
        Files.writeString(directory, String.join("\n",
                "name = corp",
                "urls = ldaps://" + SambaDomainController.DC_ADDRESS + ":636",
                "security = ldaps",
                "trustStore = " + dc.trustStore,
                "trustStorePassword = " + SambaDomainController.TRUST_STORE_PASSWORD,
                "bindDn = CN=svc-radius,CN=Users," + SambaDomainController.BASE_DN,
                ".bindPassword = " + PASSWORDS.get("svc-radius"),
                "baseDn = " + SambaDomainController.BASE_DN,
                "groupMode = inChain",
                "msChapV2 = winbind",
                "ntlmAuthConfigFile = " + dc.memberConf,
                "ntlmAuthDomain = " + SambaDomainController.DOMAIN,
                "ntlmAuthHelpers = 2",
                // Short, for the test with winbind stopped; the default is 5000.
                "ntlmAuthTimeoutMillis = 2000",
                ""));
        PropertiesFiles.put(etc.resolve("org.radmfa.pipeline.cfg"), "defaultDirectory", "corp");
        // The same DC over StartTLS on 389, groups by memberOf (nesting walked by the appliance), for logins ending
        // in @starttls (realm stripped).
        Files.writeString(etc.resolve("org.radmfa.directory.ldap-corptls.cfg"), String.join("\n",
                "name = corptls",
                "urls = ldap://" + SambaDomainController.DC_ADDRESS + ":389",
                "security = starttls",
                "trustStore = " + dc.trustStore,
                "trustStorePassword = " + SambaDomainController.TRUST_STORE_PASSWORD,
                "bindDn = CN=svc-radius,CN=Users," + SambaDomainController.BASE_DN,
                ".bindPassword = " + PASSWORDS.get("svc-radius"),
                "baseDn = " + SambaDomainController.BASE_DN,
                "groupMode = memberOf",
                ""));
        Files.writeString(etc.resolve("org.radmfa.crp-starttls.cfg"), String.join("\n",
                "name = StartTLS users", "order = 10", "condition.userName = @starttls$",
                "rewrite.pattern = @starttls$", "rewrite.replacement = ", "directory = corptls", ""));
        appliance.start(APPLIANCE_TIMEOUT);
        appliance.shell("feature:install radmfa-directory-ldap");
        Await.until("alice accepted by PAP through LDAPS", APPLIANCE_TIMEOUT,
                () -> pap("alice", PASSWORDS.get("alice")).output.contains("Received Access-Accept"));
    }

    private static void createUsers() {
        StringBuilder statements = new StringBuilder();
        for (Map.Entry<String, String> user : PASSWORDS.entrySet()) {
            statements.append("samdb.newuser('").append(user.getKey()).append("', '").append(user.getValue())
                    .append("', force_password_change_at_next_login_req=").append(MUST_CHANGE.contains(user.getKey())
                            ? "True" : "False").append(")\n");
        }
        statements.append("""
                samdb.newgroup('ad-engineers')
                samdb.newgroup('vpn-users')
                samdb.add_remove_group_members('ad-engineers', ['alice'], add_members_operation=True)
                samdb.add_remove_group_members('vpn-users', ['ad-engineers', 'dave', 'erin', 'frank', 'gina', 'hank',
                                                             'ivy', 'jack', 'kate'],
                                               add_members_operation=True)
                samdb.disable_account('(sAMAccountName=dave)')
                samdb.modify_ldif('dn: %1$s\\nchangetype: modify\\nreplace: lockoutThreshold\\nlockoutThreshold: %2$d\\n')
                samdb.modify_ldif('dn: CN=jack,CN=Users,%1$s\\nchangetype: modify\\nreplace: msNPAllowDialin\\n'
                                  'msNPAllowDialin: FALSE\\n')
                samdb.modify_ldif('dn: CN=kate,CN=Users,%1$s\\nchangetype: modify\\nreplace: msNPAllowDialin\\n'
                                  'msNPAllowDialin: TRUE\\n-\\nreplace: msNPCallingStationID\\n'
                                  'msNPCallingStationID: 203.0.113.7\\n-\\nreplace: msRADIUSFramedIPAddress\\n'
                                  'msRADIUSFramedIPAddress: -1062731510\\n-\\nreplace: msRADIUSFramedRoute\\n'
                                  'msRADIUSFramedRoute: 10.20.0.0/16 0.0.0.0 1\\n')
                """.formatted(SambaDomainController.BASE_DN, LOCKOUT_THRESHOLD));
        dc.populate(statements.toString());
        // 2012: older than the domain's maximum password age (42 days). No tool sets pwdLastSet to a past date.
        dc.setRaw("CN=erin,CN=Users," + SambaDomainController.BASE_DN, "pwdLastSet", "130000000000000000");
    }

    private static void lockOut(String user) {
        for (int i = 0; i < LOCKOUT_THRESHOLD; i++) {
            dc.ntlmAuth(List.of("--username=" + user, "--password=not-" + user + "s-password",
                    "--domain=" + SambaDomainController.DOMAIN));
        }
        Commands.Result locked = dc.ntlmAuth(List.of("--username=" + user, "--password=" + PASSWORDS.get(user),
                "--domain=" + SambaDomainController.DOMAIN));
        assertTrue(locked.toString(), locked.output.contains("NT_STATUS_ACCOUNT_LOCKED_OUT"));
    }

    @AfterClass
    public static void stop() throws Exception {
        try {
            if (appliance != null) {
                appliance.close();
            }
        } finally {
            if (dc != null) {
                dc.close();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- EAP

    @Test
    public void eapMsChapV2OfANestedGroupMemberIsAcceptedWithTheMppeKeys() throws IOException {
        int before = decisions("alice");
        Commands.Result result = eapolTest("alice", PASSWORDS.get("alice"));
        assertTrue(result.toString(), result.output.contains("CTRL-EVENT-EAP-SUCCESS"));
        // eapol_test compares the MSK it derived from the password with the MS-MPPE keys the appliance sent.
        assertTrue(result.toString(), result.output.contains("MPPE keys OK: 1  mismatch: 0"));
        assertEquals(result.toString(), 0, result.exitCode);
        assertDecision("alice", before, "ACCEPTED", "Demo VPN users");
    }

    /**
     * A login by UPN: the LDAP search finds the account by userPrincipalName, winbind is asked for its
     * sAMAccountName, and the challenge is hashed with the name the peer typed, as the peer did.
     */
    @Test
    public void eapMsChapV2ByUserPrincipalNameIsAccepted() throws IOException {
        String upn = "alice@" + SambaDomainController.REALM.toLowerCase(Locale.ROOT);
        int before = decisions(upn);
        Commands.Result result = eapolTest(upn, PASSWORDS.get("alice"));
        assertTrue(result.toString(), result.output.contains("MPPE keys OK: 1  mismatch: 0"));
        assertEquals(result.toString(), 0, result.exitCode);
        assertDecision(upn, before, "ACCEPTED", "Demo VPN users");
    }

    @Test
    public void eapMsChapV2WithAWrongPasswordIsRejected() throws IOException {
        int before = decisions("alice");
        Commands.Result result = eapolTest("alice", "not-alices-password");
        assertEapRejected(result);
        assertDecision("alice", before, "AUTHENTICATION_FAILED", "NT_STATUS_WRONG_PASSWORD");
    }

    @Test
    public void eapMsChapV2OfADisabledAccountIsRejected() throws IOException {
        int before = decisions("dave");
        assertEapRejected(eapolTest("dave", PASSWORDS.get("dave")));
        assertDecision("dave", before, "ACCOUNT_DISABLED", "userAccountControl");
    }

    @Test
    public void eapMsChapV2WithAnExpiredPasswordIsRejectedAsExpired() throws IOException {
        int before = decisions("erin");
        Commands.Result result = eapolTest("erin", PASSWORDS.get("erin"));
        // The change is offered (an MS-CHAPv2 Failure Request "E=648 R=1 ... V=3"): eapol_test asks its user for a
        // new password and, having none, fails. Nothing is accepted.
        assertTrue(result.toString(), result.output.contains("CTRL-REQ-NEW_PASSWORD"));
        assertFalse(result.toString(), result.output.contains("Access-Accept"));
        assertDecision("erin", before, "PASSWORD_EXPIRED", "NT_STATUS_PASSWORD_EXPIRED");
    }

    @Test
    public void eapMsChapV2OfALockedOutAccountIsRejectedAsLockedOut() throws IOException {
        int before = decisions("gina");
        assertEapRejected(eapolTest("gina", PASSWORDS.get("gina")));
        assertDecision("gina", before, "ACCOUNT_LOCKED_OUT", "NT_STATUS_ACCOUNT_LOCKED_OUT");
    }

    // ------------------------------------------------------------------------------------------------ MS-CHAPv2

    @Test
    public void msChapV2IsAcceptedWithTheAuthenticatorResponseAndTheMppeKeys() {
        MsChapV2Peer peer = peer("alice", PASSWORDS.get("alice"));
        int before = decisions("alice");
        Commands.Result result = radclient(peer.radclientAttributes("alice", 11));
        assertTrue(result.toString(), result.output.contains("Received Access-Accept"));
        // MS-CHAP2-Success: the ident, then "S=<40 hex>": the domain's NT key made the same proof as the password.
        String success = HexFormat.of().formatHex(peer.authenticatorResponse()
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue("MS-CHAP2-Success " + peer.authenticatorResponse() + " expected: " + result,
                result.output.toLowerCase(Locale.ROOT).contains("ms-chap2-success = 0x0b" + success));
        assertTrue("MS-MPPE-Send-Key " + peer.mppeSendKey() + " expected: " + result,
                result.output.toLowerCase(Locale.ROOT).contains(peer.mppeSendKey()));
        String decision = assertDecision("alice", before, "ACCEPTED", "Demo VPN users");
        java.util.regex.Matcher millis = java.util.regex.Pattern.compile("\"millis\":(\\d+)").matcher(decision);
        System.out.println("ActiveDirectoryIT: MS-CHAPv2 accept (LDAP search, winbind, LDAP groups) took "
                + (millis.find() ? millis.group(1) : "?") + " ms in the appliance");
    }

    @Test
    public void msChapV2WithAWrongPasswordGetsError691() {
        Commands.Result result = radclient(peer("alice", "wrong-password").radclientAttributes("alice", 12));
        assertTrue(result.toString(), result.output.contains("Received Access-Reject"));
        assertTrue(result.toString(), msChapError(result).startsWith("E=691 R=0"));
    }

    @Test
    public void msChapV2WithAnExpiredPasswordGetsError648() {
        Commands.Result result = radclient(peer("erin", PASSWORDS.get("erin")).radclientAttributes("erin", 13));
        assertTrue(result.toString(), result.output.contains("Received Access-Reject"));
        assertTrue(result.toString(), msChapError(result).startsWith("E=648 R=1"));
    }

    @Test
    public void msChapV2OfAUserWhoMustChangeThePasswordGetsError648() {
        int before = decisions("frank");
        Commands.Result result = radclient(peer("frank", PASSWORDS.get("frank")).radclientAttributes("frank", 14));
        assertTrue(result.toString(), result.output.contains("Received Access-Reject"));
        // R=1 and V=3: the peer may change the password (RFC 2759 section 7), with the challenge C= names.
        assertTrue(result.toString(), msChapError(result).matches("E=648 R=1 C=[0-9A-F]{32} V=3 M=.*"));
        assertDecision("frank", before, "PASSWORD_MUST_CHANGE", "NT_STATUS_PASSWORD_MUST_CHANGE");
    }

    // -------------------------------------------------------------------------------------- password change

    /**
     * MS-CHAPv2 password change in RADIUS (RFC 2548 section 2.3.5), as a NAS relays a PPP/RAS peer's: hank must
     * change his password; radclient sends the Change-Password the peer makes ({@link MsChapV2Peer}, RFC 2759
     * sections 7 to 8.12) as MS-CHAP2-CPW and MS-CHAP-NT-Enc-PW; the domain changes it through winbind and the accept
     * proves the new password (authenticator response, MPPE keys). Afterwards the new password works, by radclient
     * and by eapol_test; the old one too, for now: Samba's DC, as Windows, accepts the previous password for NTLM
     * logons for an hour after a change (old password allowed period = 60).
     */
    @Test
    public void msChapV2PasswordChangeThroughTheDomainThenTheNewPasswordWorks() throws IOException {
        String oldPassword = PASSWORDS.get("hank");
        String newPassword = "Hank-New-Pass-2027";
        int before = decisions("hank");
        Commands.Result refused = radclient(peer("hank", oldPassword).radclientAttributes("hank", 31));
        String error = msChapError(refused);
        java.util.regex.Matcher c = java.util.regex.Pattern.compile("^E=648 R=1 C=([0-9A-F]{32}) V=3").matcher(error);
        assertTrue(refused.toString(), c.find());

        byte[] peerChallenge = new byte[16];
        ThreadLocalRandom.current().nextBytes(peerChallenge);
        MsChapV2Peer changing = new MsChapV2Peer("hank", newPassword,
                HexFormat.of().parseHex(c.group(1).toLowerCase(Locale.ROOT)), peerChallenge);
        long start = System.nanoTime();
        Commands.Result changed = radclient(changing.radclientChangeAttributes("hank", 32,
                changing.changePassword(oldPassword, newPassword)));
        long changeMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(changed.toString(), changed.output.contains("Received Access-Accept"));
        String success = HexFormat.of().formatHex(changing.authenticatorResponse()
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue("MS-CHAP2-Success for the new password expected: " + changed,
                changed.output.toLowerCase(Locale.ROOT).contains("ms-chap2-success = 0x20" + success));
        assertTrue(changed.toString(), changed.output.toLowerCase(Locale.ROOT).contains(changing.mppeSendKey()));
        String decision = assertDecision("hank", before, "ACCEPTED", "changed by the domain");
        assertFalse("no blob in the audit", decision.contains(HexFormat.of().formatHex(
                changing.changePassword(oldPassword, newPassword).encryptedHash())));
        System.out.println("ActiveDirectoryIT: MS-CHAPv2 password change (radclient round trip) took " + changeMillis
                + " ms");

        assertTrue(radclient(peer("hank", newPassword).radclientAttributes("hank", 33)).output
                .contains("Received Access-Accept"));
        Commands.Result eap = eapolTest("hank", newPassword);
        assertTrue(eap.toString(), eap.output.contains("MPPE keys OK: 1  mismatch: 0"));
        Commands.Result old = radclient(peer("hank", oldPassword).radclientAttributes("hank", 34));
        assertTrue("the DC's grace period for the previous password: " + old,
                old.output.contains("Received Access-Accept"));
        assertLogHasNoSecret(oldPassword, newPassword);
    }

    /**
     * The domain's refusals of a change, as Samba's DC gives them: a new password its policy refuses (too short) is
     * PASSWORD_CHANGE_REFUSED with MS-CHAP-Error 709; blobs made with a wrong old password are AUTHENTICATION_FAILED
     * (691). frank must still change his password afterwards.
     */
    @Test
    public void aChangeTheDomainRefusesIsError709OrError691() {
        String password = PASSWORDS.get("frank");
        int before = decisions("frank");
        MsChapV2Peer tooShort = new MsChapV2Peer("frank", "ab1", randomChallenge(), randomChallenge());
        Commands.Result refused = radclient(tooShort.radclientChangeAttributes("frank", 41,
                tooShort.changePassword(password, "ab1")));
        assertTrue(refused.toString(), refused.output.contains("Received Access-Reject"));
        assertTrue(refused.toString(), msChapError(refused).startsWith("E=709 R=0"));
        assertDecision("frank", before, "PASSWORD_CHANGE_REFUSED", "NT_STATUS_PASSWORD_RESTRICTION");

        int beforeWrongOld = decisions("frank");
        MsChapV2Peer wrongOld = new MsChapV2Peer("frank", "Frank-New-Pass-2027", randomChallenge(),
                randomChallenge());
        Commands.Result wrong = radclient(wrongOld.radclientChangeAttributes("frank", 42,
                wrongOld.changePassword("not-franks-password", "Frank-New-Pass-2027")));
        assertTrue(wrong.toString(), msChapError(wrong).startsWith("E=691 R=0"));
        String decision = assertDecision("frank", beforeWrongOld, "AUTHENTICATION_FAILED", "refused to change");
        System.out.println("ActiveDirectoryIT: a change with a wrong old password: " + decision.replaceAll(
                ".*\"detail\":\"([^\"]*)\".*", "$1"));

        Commands.Result still = radclient(peer("frank", password).radclientAttributes("frank", 43));
        assertTrue(still.toString(), msChapError(still).startsWith("E=648 R=1"));
    }

    /**
     * EAP-MSCHAPv2 password change (draft-kamath-pppext-eap-mschapv2; what an IKEv2 client of the VPN gateway
     * does when NPS says the password expired), over real UDP with {@link RadiusTestClient}: ivy's Response is
     * answered by an MS-CHAPv2 Failure Request "E=648 R=1 C=... V=3" in an Access-Challenge; her Change-Password
     * (OpCode 7) made over that C= is accepted by the domain; the Success proves the new password and the
     * Access-Accept carries the MPPE keys made from the new NT key. eapol_test then logs in with the new password.
     * (wpa_supplicant's peer makes the Change-Password only with a new password given on its control interface, and
     * giving it there re-sends its pending EAP request, which starts a second conversation: see
     * docs/active-directory.md.)
     */
    @Test
    public void eapMsChapV2PasswordChangeThroughTheDomainThenTheNewPasswordWorks() throws IOException {
        String oldPassword = PASSWORDS.get("ivy");
        String newPassword = "Ivy-New-Pass-2027";
        int before = decisions("ivy");
        try (RadiusTestClient client = new RadiusTestClient("127.0.0.1", appliance.authPort)) {
            RadiusTestClient.Response challenge = eapExchange(client, "ivy",
                    new byte[] {2, 1, 0, 8, 1, 'i', 'v', 'y'}, null);
            assertEquals(RadiusTestClient.ACCESS_CHALLENGE, challenge.code());
            byte[] state = challenge.attribute(24);
            byte[] request = challenge.eap();
            assertEquals("MS-CHAPv2 Challenge", 1, request[5]);
            int msChapId = request[6] & 0xFF;
            MsChapV2Peer first = new MsChapV2Peer("ivy", oldPassword, java.util.Arrays.copyOfRange(request, 10, 26),
                    randomChallenge());
            RadiusTestClient.Response failure = eapExchange(client, "ivy", eapResponse(request[1], 2, msChapId,
                    mschapv2Response(first, "ivy")), state);
            assertEquals("the conversation goes on", RadiusTestClient.ACCESS_CHALLENGE, failure.code());
            byte[] failureRequest = failure.eap();
            assertEquals("MS-CHAPv2 Failure", 4, failureRequest[5]);
            String message = new String(failureRequest, 9, failureRequest.length - 9,
                    java.nio.charset.StandardCharsets.US_ASCII);
            java.util.regex.Matcher c = java.util.regex.Pattern.compile("^E=648 R=1 C=([0-9A-F]{32}) V=3")
                    .matcher(message);
            assertTrue(message, c.find());
            assertDecision("ivy", before, "PASSWORD_MUST_CHANGE", "NT_STATUS_PASSWORD_MUST_CHANGE");

            MsChapV2Peer changing = new MsChapV2Peer("ivy", newPassword,
                    HexFormat.of().parseHex(c.group(1).toLowerCase(Locale.ROOT)), randomChallenge());
            MsChapV2Peer.ChangePassword blobs = changing.changePassword(oldPassword, newPassword);
            java.io.ByteArrayOutputStream change = new java.io.ByteArrayOutputStream();
            change.writeBytes(blobs.encryptedPassword());
            change.writeBytes(blobs.encryptedHash());
            change.writeBytes(changing.peerChallenge);
            change.writeBytes(new byte[8]);
            change.writeBytes(changing.ntResponse);
            change.writeBytes(new byte[2]);
            int changeBefore = decisions("ivy");
            RadiusTestClient.Response success = eapExchange(client, "ivy", eapResponse(failureRequest[1], 7,
                    (msChapId + 1) & 0xFF, change.toByteArray()), state);
            assertEquals(success.toString(), RadiusTestClient.ACCESS_CHALLENGE, success.code());
            byte[] successRequest = success.eap();
            assertEquals("MS-CHAPv2 Success", 3, successRequest[5]);
            String proof = new String(successRequest, 9, successRequest.length - 9,
                    java.nio.charset.StandardCharsets.US_ASCII);
            assertTrue(proof, proof.startsWith(changing.authenticatorResponse()));

            RadiusTestClient.Sent acknowledgement = client.sendEap("ivy", new byte[] {2, successRequest[1], 0, 6, 26,
                3}, state, SECRET);
            RadiusTestClient.Response accept = client.receive(acknowledgement, 15_000);
            assertNotNull("an answer to the Success acknowledgement", accept);
            assertEquals(RadiusTestClient.ACCESS_ACCEPT, accept.code());
            assertEquals("EAP-Success", 3, accept.eap()[0]);
            assertEquals(changing.mppeSendKey(), HexFormat.of().formatHex(
                    RadiusTestClient.unhideMppeKey(accept.microsoft(16), acknowledgement)));
            assertDecision("ivy", changeBefore, "ACCEPTED", "changed by the domain");
        }
        Commands.Result eap = eapolTest("ivy", newPassword);
        assertTrue(eap.toString(), eap.output.contains("MPPE keys OK: 1  mismatch: 0"));
        assertEquals(eap.toString(), 0, eap.exitCode);
        assertLogHasNoSecret(oldPassword, newPassword);
    }

    private static RadiusTestClient.Response eapExchange(RadiusTestClient client, String user, byte[] eap,
            byte[] state) throws IOException {
        RadiusTestClient.Sent sent = client.sendEap(user, eap, state, SECRET);
        RadiusTestClient.Response response = client.receive(sent, 15_000);
        assertNotNull("an answer from the appliance", response);
        return response;
    }

    /** An EAP-Response of type EAP-MSCHAPv2: OpCode, MS-CHAPv2-ID, MS-Length, then the body. */
    private static byte[] eapResponse(byte eapId, int opCode, int msChapId, byte[] body) {
        int length = 5 + 4 + body.length;
        byte[] packet = new byte[length];
        packet[0] = 2;
        packet[1] = eapId;
        packet[2] = (byte) (length >> 8);
        packet[3] = (byte) length;
        packet[4] = 26;
        packet[5] = (byte) opCode;
        packet[6] = (byte) msChapId;
        packet[7] = (byte) ((length - 5) >> 8);
        packet[8] = (byte) (length - 5);
        System.arraycopy(body, 0, packet, 9, body.length);
        return packet;
    }

    /** The Response's body after MS-Length: Value-Size 49, Peer-Challenge, 8 reserved, NT-Response, Flags, Name. */
    private static byte[] mschapv2Response(MsChapV2Peer peer, String name) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(49);
        body.writeBytes(peer.peerChallenge);
        body.writeBytes(new byte[8]);
        body.writeBytes(peer.ntResponse);
        body.write(0);
        body.writeBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private static byte[] randomChallenge() {
        byte[] challenge = new byte[16];
        ThreadLocalRandom.current().nextBytes(challenge);
        return challenge;
    }

    private static void assertLogHasNoSecret(String... secrets) throws IOException {
        String log = Files.readString(appliance.home.resolve("data/log/karaf.log"));
        for (String secret : secrets) {
            assertFalse("no password in karaf.log", log.contains(secret));
        }
    }

    @Test
    public void msChapV2OfADisabledAccountGetsError647() {
        Commands.Result result = radclient(peer("dave", PASSWORDS.get("dave")).radclientAttributes("dave", 15));
        assertTrue(result.toString(), result.output.contains("Received Access-Reject"));
        assertTrue(result.toString(), msChapError(result).startsWith("E=647 R=0"));
    }

    /**
     * The member's winbindd down (killed, while the DC's LDAP keeps answering): the check fails, the request is
     * rejected as DIRECTORY_UNAVAILABLE with a log line that says so, never accepted; once winbindd runs again a
     * helper gets through and the same login is accepted.
     */
    @Test
    public void winbindDownIsDirectoryUnavailableThenRecovers() throws IOException {
        List<ProcessHandle> winbindd = dc.memberWinbindd();
        assertFalse("the member's winbindd runs", winbindd.isEmpty());
        int before = decisions("alice");
        SambaDomainController.stop(winbindd);
        try {
            Commands.Result result = radclient(peer("alice", PASSWORDS.get("alice")).radclientAttributes("alice", 21));
            assertTrue(result.toString(), result.output.contains("Received Access-Reject"));
            assertDecision("alice", before, "DIRECTORY_UNAVAILABLE", "winbind could not check");
        } finally {
            dc.startMemberWinbindd();
        }
        assertTrue(Files.readString(appliance.home.resolve("data/log/karaf.log"))
                .contains("winbind could not check the MS-CHAPv2 response of 'alice' for directory corp"));
        Await.until("alice accepted again once winbindd runs", Duration.ofSeconds(60), () -> radclient(
                peer("alice", PASSWORDS.get("alice")).radclientAttributes("alice", 22)).output
                .contains("Received Access-Accept"));
    }

    // ------------------------------------------------------------------------------------------ bin/radmfa-ad-join

    /**
     * The join script's checks against the DC, with a member's smb.conf: all met; then each missing prerequisite
     * named (realm, smb.conf, DNS). The join itself is not run: a member's winbindd would need the socket the DC's
     * winbindd has.
     */
    @Test
    public void joinScriptChecksThePrerequisitesAndNamesTheMissingOne() throws IOException {
        Path member = itestDir.resolve("ad-member-smb.conf");
        Files.writeString(member, "[global]\n  workgroup = " + SambaDomainController.DOMAIN + "\n  realm = "
                + SambaDomainController.REALM + "\n  security = ads\n");
        Commands.Result good = join("--realm", "radmfa.test", "--dc", SambaDomainController.DC_ADDRESS,
                "--configfile", member.toString(), "--check-only");
        assertEquals(good.toString(), 0, good.exitCode);
        for (String check : List.of("ok       realm      RADMFA.TEST, KDC " + SambaDomainController.DC_ADDRESS
                + ":88 answers", "ok       time       offset ", "ok       smb.conf", "all prerequisites met")) {
            assertTrue(check + " expected: " + good, good.output.contains(check));
        }
        Commands.Result wrongRealm = join("--realm", "OTHER.TEST", "--dc", SambaDomainController.DC_ADDRESS,
                "--configfile", member.toString(), "--check-only");
        assertEquals(wrongRealm.toString(), 1, wrongRealm.exitCode);
        assertTrue(wrongRealm.toString(), wrongRealm.output.contains("MISSING  realm      the DC at "
                + SambaDomainController.DC_ADDRESS + " serves Kerberos realm RADMFA.TEST, not OTHER.TEST"));
        Files.writeString(member, "[global]\n  workgroup = OTHER\n");
        Commands.Result notAds = join("--realm", "radmfa.test", "--dc", SambaDomainController.DC_ADDRESS,
                "--configfile", member.toString(), "--check-only");
        assertEquals(notAds.toString(), 1, notAds.exitCode);
        assertTrue(notAds.toString(), notAds.output.contains("must be 'ads'"));
        assertTrue(notAds.toString(), notAds.output.contains("workgroup is 'OTHER', must be the domain's NetBIOS"
                + " name RADMFA"));
        // This machine's DNS does not know the test domain: without --dc, DNS is what is missing.
        Commands.Result noDns = join("--realm", "radmfa.test", "--configfile", member.toString(), "--check-only");
        assertEquals(noDns.toString(), 1, noDns.exitCode);
        assertTrue(noDns.toString(), noDns.output.contains("MISSING  dns"));
    }

    private static Commands.Result join(String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of(appliance.home.resolve("bin/radmfa-ad-join")
                .toString()));
        command.addAll(List.of(arguments));
        return Commands.run(itestDir, Map.of(), null, COMMAND_TIMEOUT, command);
    }

    // ------------------------------------------------------------------------------------------ PAP (LDAP bind)

    /** The same accounts by PAP: a bind as the user over LDAPS, and the AD sub-codes Samba answers it with. */
    @Test
    public void papBindsOverLdapsAndReadsSambasSubCodes() {
        int before = decisions("alice");
        assertTrue(pap("alice", PASSWORDS.get("alice")).output.contains("Received Access-Accept"));
        assertDecision("alice", before, "ACCEPTED", "Demo VPN users");
        assertPapRejected("alice", "not-alices-password", "AUTHENTICATION_FAILED", "wrong password");
        assertPapRejected("dave", PASSWORDS.get("dave"), "ACCOUNT_DISABLED", "userAccountControl");
        assertPapRejected("erin", PASSWORDS.get("erin"), "PASSWORD_EXPIRED", "AD 532");
        assertPapRejected("frank", PASSWORDS.get("frank"), "PASSWORD_MUST_CHANGE", "AD 773");
        assertPapRejected("gina", PASSWORDS.get("gina"), "ACCOUNT_LOCKED_OUT", "AD 775");
    }

    /**
     * The Dial-in tab as ADUC writes it, in Samba's real AD schema: Deny access rejects under the demo policy (which
     * does not ignore dial-in properties); Allow access with Verify Caller-ID, a static address and a static route.
     */
    @Test
    public void theAccountsDialInTabIsApplied() {
        assertPapRejected("jack", PASSWORDS.get("jack"), "DIAL_IN_DENIED", "dial-in permission denies access");
        String kate = "User-Name = \"kate\"\nUser-Password = \"" + PASSWORDS.get("kate") + "\"\n";
        Commands.Result fromHer = radclient(kate + "Calling-Station-Id = \"203.0.113.7\"\n");
        assertTrue(fromHer.toString(), fromHer.output.contains("Received Access-Accept"));
        assertTrue(fromHer.toString(), fromHer.output.contains("Framed-IP-Address = 192.168.1.10"));
        assertTrue(fromHer.toString(), fromHer.output.contains("Framed-Route = \"10.20.0.0/16 0.0.0.0 1\""));
        int before = decisions("kate");
        Commands.Result elsewhere = radclient(kate + "Calling-Station-Id = \"198.51.100.9\"\n");
        assertTrue(elsewhere.toString(), elsewhere.output.contains("Received Access-Reject"));
        assertDecision("kate", before, "CALLER_ID_MISMATCH", "caller ID does not match");
    }

    /** StartTLS on port 389 with certificate and host checks, and nested groups found by walking memberOf. */
    @Test
    public void papOverStartTlsWithMemberOfGroups() {
        Commands.Result accepted = pap("alice@starttls", PASSWORDS.get("alice"));
        assertTrue(accepted.toString(), accepted.output.contains("Received Access-Accept"));
        // The demo policy's reply: vpn-users was found through ad-engineers' memberOf.
        assertTrue(accepted.toString(), accepted.output.contains("Welcome to the demo VPN"));
        assertTrue(pap("alice@starttls", "not-alices-password").output.contains("Received Access-Reject"));
        assertTrue(pap("dave@starttls", PASSWORDS.get("dave")).output.contains("Received Access-Reject"));
    }

    private static void assertPapRejected(String user, String password, String reason, String detail) {
        int before = decisions(user);
        Commands.Result result = pap(user, password);
        assertTrue(result.toString(), result.output.contains("Received Access-Reject"));
        assertDecision(user, before, reason, detail);
    }

    // ----------------------------------------------------------------------------------------------------- helpers

    private static MsChapV2Peer peer(String user, String password) {
        byte[] authenticatorChallenge = new byte[16];
        byte[] peerChallenge = new byte[16];
        ThreadLocalRandom.current().nextBytes(authenticatorChallenge);
        ThreadLocalRandom.current().nextBytes(peerChallenge);
        return new MsChapV2Peer(user, password, authenticatorChallenge, peerChallenge);
    }

    /** The text of MS-CHAP-Error after its ident octet (radclient prints it as a string, the ident escaped). */
    private static String msChapError(Commands.Result result) {
        java.util.regex.Matcher error = java.util.regex.Pattern.compile("MS-CHAP-Error = \"(?:\\\\[0-7]{3}|\\\\.|.)(E=[^\"]*)\"")
                .matcher(result.output);
        if (!error.find()) {
            throw new AssertionError("no MS-CHAP-Error in " + result);
        }
        return error.group(1);
    }

    private static void assertEapRejected(Commands.Result result) {
        assertTrue(result.toString(), result.output.contains("CTRL-EVENT-EAP-FAILURE"));
        assertTrue(result.toString(), result.output.contains("Access-Reject"));
        assertFalse(result.toString(), result.output.contains("Access-Accept"));
    }

    /** How many decisions for this user the audit files hold. */
    private static int decisions(String user) {
        return auditLines(user).size();
    }

    /**
     * The decision that followed {@code before} for the user, in the audit files (data/audit, JSON lines), names
     * this reason and contains this text (detail or policy), and no password.
     */
    private static String assertDecision(String user, int before, String reason, String text) {
        // Waited for by its reason, not taken by position: the audit writer may append the previous test's decision
        // for the same user after {@code before} was counted. A login decided otherwise never shows this reason.
        String[] found = {null};
        Await.until("a decision " + reason + " for " + user + " in the audit", COMMAND_TIMEOUT, () -> {
            List<String> lines = auditLines(user);
            for (String line : lines.subList(Math.min(before, lines.size()), lines.size())) {
                if (line.contains("\"reason\":\"" + reason + "\"")) {
                    found[0] = line;
                    return true;
                }
            }
            return false;
        });
        String line = found[0];
        assertTrue("decision for " + user + " should mention " + text + ": " + line, line.contains(text));
        PASSWORDS.values().forEach(password -> assertFalse("no password in the audit", line.contains(password)));
        return line;
    }

    private static List<String> auditLines(String user) {
        Path audit = appliance.home.resolve("data/audit");
        try (java.util.stream.Stream<Path> files = Files.exists(audit) ? Files.list(audit)
                : java.util.stream.Stream.empty()) {
            List<String> lines = new java.util.ArrayList<>();
            for (Path file : files.sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    // An EAP conversation's intermediate challenges are not decisions about the user.
                    if (line.contains("\"user\":\"" + user + "\"") && !line.contains("\"reason\":\"EAP_IN_PROGRESS\"")) {
                        lines.add(line);
                    }
                }
            }
            return lines;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Commands.Result eapolTest(String identity, String password) throws IOException {
        Path config = itestDir.resolve("ad-eapol-" + identity + ".conf");
        Files.writeString(config, "network={\n    key_mgmt=IEEE8021X\n    eap=MSCHAPV2\n    identity=\"" + identity
                + "\"\n    password=\"" + password + "\"\n}\n");
        return Commands.run(itestDir, Map.of(), null, COMMAND_TIMEOUT, List.of("eapol_test", "-c", config.toString(),
                "-a", "127.0.0.1", "-p", String.valueOf(appliance.authPort), "-s", SECRET, "-r0", "-t", "15"));
    }

    private static Commands.Result radclient(String attributes) {
        return Commands.run(itestDir, Map.of(), attributes, COMMAND_TIMEOUT, List.of("radclient", "-x", "-r", "1",
                "-t", "15", "127.0.0.1:" + appliance.authPort, "auth", SECRET));
    }

    private static Commands.Result pap(String user, String password) {
        return radclient("User-Name = \"" + user + "\"\nUser-Password = \"" + password + "\"\n");
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertNotNull("system property " + name + " (set by failsafe): run with Maven", value);
        return value;
    }
}
