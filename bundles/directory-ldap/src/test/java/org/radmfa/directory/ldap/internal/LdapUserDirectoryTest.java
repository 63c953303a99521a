package org.radmfa.directory.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.CertificateCredentials;
import org.radmfa.api.DialIn;
import org.radmfa.api.ChapCredentials;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.Credentials;
import org.radmfa.api.MsChapV2Credentials;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.User;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.UserDirectory;

class LdapUserDirectoryTest {
    private static final RadiusClient CLIENT = new RadiusClient("vpn", "127.0.0.1", SharedSecret.of("x"), null, true);

    private static AdLikeServer server;
    private final List<LdapUserDirectory> directories = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = new AdLikeServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void clearRecords() {
        server.searches.clear();
        server.binds.clear();
    }

    @AfterEach
    void closeDirectories() {
        directories.forEach(directory -> directory.close(false));
    }

    private LdapUserDirectory directory(Map<String, Object> config) throws Exception {
        LdapUserDirectory directory = new LdapUserDirectory(LdapSettings.read(config));
        directories.add(directory);
        return directory;
    }

    private LdapUserDirectory directory() throws Exception {
        return directory(server.config());
    }

    static AuthenticationRequest request(String user, Credentials credentials) {
        return new AuthenticationRequest("t-1", CLIENT, new InetSocketAddress(InetAddress.getLoopbackAddress(), 1812),
                user, credentials, List.of(), Instant.now());
    }

    static PrimaryAuthResult login(LdapUserDirectory directory, String user, String password) {
        return await(directory.authenticate(request(user, new PapCredentials(password))));
    }

    static PrimaryAuthResult await(CompletionStage<PrimaryAuthResult> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void acceptsWithDirectAndNestedGroupsThroughACycle() throws Exception {
        PrimaryAuthResult result = login(directory(), "alice", AdLikeServer.ALICE_PASSWORD);

        assertEquals(ReasonCode.ACCEPTED, result.reason(), result.detail());
        assertEquals("alice", result.user().name());
        assertEquals("corp", result.user().directory());
        // vpn-users directly, remote-access through vpn-users, loop through remote-access (which loops back).
        assertEquals(Set.of("vpn-users", "remote-access", "loop"), result.user().groups());
    }

    @Test
    void everySearchRunsAsTheServiceAccountEvenAfterAUserBind() throws Exception {
        LdapUserDirectory directory = directory();
        for (int i = 0; i < 3; i++) {
            assertTrue(login(directory, "alice", AdLikeServer.ALICE_PASSWORD).accepted());
        }
        assertEquals(3, server.bindsAs(AdLikeServer.ALICE_DN));
        assertFalse(server.searches.isEmpty());
        for (String[] search : server.searches) {
            assertEquals(AdLikeServer.SERVICE_DN, search[0], "search " + search[1] + " ran as " + search[0]);
        }
    }

    @Test
    void userPrincipalNameLogsInToo() throws Exception {
        PrimaryAuthResult result = login(directory(), "alice@corp.example", AdLikeServer.ALICE_PASSWORD);
        assertEquals(ReasonCode.ACCEPTED, result.reason(), result.detail());
        assertEquals("alice@corp.example", result.user().name());
    }

    @Test
    void alternateLoginIdIsTheCanonicalName() throws Exception {
        Map<String, Object> config = server.config();
        config.put("alternateLoginIdAttribute", "mail");
        LdapUserDirectory directory = directory(config);

        PrimaryAuthResult result = login(directory, "alice", AdLikeServer.ALICE_PASSWORD);
        assertEquals("alice.anders@corp.example", result.user().name());

        PrimaryAuthResult noMail = login(directory, "erin", "Erin-Pw-1");
        assertEquals(ReasonCode.UNKNOWN_USER, noMail.reason());
        assertTrue(noMail.detail().contains("has no mail"), noMail.detail());
    }

    @Test
    void nestingDepthLimitsTheWalk() throws Exception {
        Map<String, Object> config = server.config();
        config.put("groupNestingDepth", "0");
        assertEquals(Set.of("vpn-users"), login(directory(config), "alice", AdLikeServer.ALICE_PASSWORD)
                .user().groups());
        config.put("groupNestingDepth", "1");
        assertEquals(Set.of("vpn-users", "remote-access"),
                login(directory(config), "alice", AdLikeServer.ALICE_PASSWORD).user().groups());
    }

    @Test
    void memberModeFindsTheSameGroupsWithoutMemberOf() throws Exception {
        Map<String, Object> config = server.config();
        config.put("groupMode", "member");
        config.put("groupBaseDn", "ou=Groups," + AdLikeServer.BASE);
        PrimaryAuthResult result = login(directory(config), "alice", AdLikeServer.ALICE_PASSWORD);
        assertEquals(Set.of("vpn-users", "remote-access", "loop"), result.user().groups());
    }

    @Test
    void inChainModeSendsTheInChainFilterAndNeverAcceptsWithoutGroups() throws Exception {
        Map<String, Object> config = server.config();
        config.put("groupMode", "inChain");
        // The in-memory server does not implement extensible matching (1.2.840.113556.1.4.1941): it answers
        // inappropriateMatching (18). A failed group lookup is no accept with fewer groups: policies may deny by group.
        PrimaryAuthResult result = login(directory(config), "alice", AdLikeServer.ALICE_PASSWORD);
        assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, result.reason(), result.detail());
        assertEquals(1, server.bindsAs(AdLikeServer.ALICE_DN), "the password was checked first");
        String[] last = server.searches.get(server.searches.size() - 1);
        assertEquals(AdLikeServer.SERVICE_DN, last[0]);
        assertEquals("(member:1.2.840.113556.1.4.1941:=" + AdLikeServer.ALICE_DN + ")", last[1]);
    }

    @Test
    void wrongPasswordIsAuthenticationFailed() throws Exception {
        PrimaryAuthResult result = login(directory(), "carol", "not-carols-password");
        assertEquals(ReasonCode.AUTHENTICATION_FAILED, result.reason());
        assertTrue(result.detail().contains("wrong password"), result.detail());
        assertFalse(result.detail().contains("not-carols-password"));
    }

    @Test
    void unknownUser() throws Exception {
        PrimaryAuthResult result = login(directory(), "mallory", "whatever");
        assertEquals(ReasonCode.UNKNOWN_USER, result.reason());
        assertEquals(0, server.binds.stream().filter(dn -> !dn.equals(AdLikeServer.SERVICE_DN)).count());
    }

    @Test
    void disabledAccountIsRefusedBeforeAnyBind() throws Exception {
        PrimaryAuthResult result = login(directory(), "bob", "Bob-Pw-1");
        assertEquals(ReasonCode.ACCOUNT_DISABLED, result.reason());
        assertEquals(0, server.bindsAs("cn=Bob Brown,ou=Users," + AdLikeServer.BASE));
    }

    @Test
    void adLockedOutSubCodeIsReported() throws Exception {
        PrimaryAuthResult result = login(directory(), "dave", "Dave-Pw-1");
        assertEquals(ReasonCode.ACCOUNT_LOCKED_OUT, result.reason());
        assertTrue(result.detail().contains("locked out (AD 775)"), result.detail());
    }

    @Test
    void emptyPasswordIsRefusedWithoutBinding() throws Exception {
        PrimaryAuthResult result = login(directory(), "alice", "");
        assertEquals(ReasonCode.AUTHENTICATION_FAILED, result.reason());
        assertEquals(0, server.binds.size(), "no bind at all, not even the service account's");
    }

    @Test
    void filterInjectionInTheUserNameIsData() throws Exception {
        LdapUserDirectory directory = directory();
        for (String attack : List.of("*)(uid=*", "*", "alice)(|(sAMAccountName=*", "al*", "*)(objectClass=*))(|(cn=*",
                "\\2a", "alice\u0000")) {
            PrimaryAuthResult result = login(directory, attack, AdLikeServer.ALICE_PASSWORD);
            assertEquals(ReasonCode.UNKNOWN_USER, result.reason(), attack + ": " + result.detail());
        }
        assertEquals(0, server.bindsAs(AdLikeServer.ALICE_DN));
        assertTrue(server.searches.stream().anyMatch(s -> s[1].contains("sAMAccountName=\\2a\\29\\28uid=\\2a")),
                "escaped filter sent");
    }

    private static final MsChapV2Credentials MS_CHAP = new MsChapV2Credentials(AuthMethod.EAP_MSCHAPV2, 7,
            java.util.HexFormat.of().parseHex("5b5d7c7d7b3f2f3e3c2c602132262628"),
            java.util.HexFormat.of().parseHex("21402324255e262a28295f2b3a337c7e"),
            java.util.HexFormat.of().parseHex("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df"));

    @Test
    void msChapV2WithoutWinbindIsUnsupportedWithAnMsChapError() throws Exception {
        PrimaryAuthResult result = await(directory().authenticate(request("alice", MS_CHAP)));
        assertEquals(ReasonCode.UNSUPPORTED_AUTH_METHOD, result.reason());
        assertTrue(result.detail().contains("msChapV2 = winbind"), result.detail());
        assertEquals("MS-CHAP-Error", result.replyAttributes().get(0).name());
    }

    /**
     * The LDAP search finds the account; ntlm_auth (a script answering as the real one does) is asked for its
     * sAMAccountName with the challenge hashed over the name the peer typed; the groups come from LDAP and the reply
     * carries MS-CHAP2-Success and the MPPE keys made from the NT key.
     */
    @Test
    void msChapV2IsCheckedByTheDomainAndGroupsComeFromLdap(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path seen = dir.resolve("seen");
        java.nio.file.Path script = dir.resolve("ntlm_auth");
        java.nio.file.Files.writeString(script, "#!/bin/sh\nwhile IFS= read -r line; do\n  echo \"$line\" >> " + seen
                + "\n  [ \"$line\" = . ] && printf 'Authenticated: Yes\\nUser-Session-Key: "
                + "41C00C584BD2D91C4017A2A12FA59F3F\\n.\\n'\ndone\n");
        script.toFile().setExecutable(true);
        Map<String, Object> config = server.config();
        config.put("msChapV2", "winbind");
        config.put("ntlmAuth", script.toString());
        config.put("ntlmAuthDomain", "CORP");
        PrimaryAuthResult result = await(directory(config).authenticate(request("alice", MS_CHAP)));
        assertTrue(result.accepted(), result.detail());
        assertTrue(result.user().groups().contains("vpn-users"), result.user().groups().toString());
        assertEquals(MS_CHAP.successAttributes("alice", java.util.HexFormat.of().parseHex(
                "41c00c584bd2d91c4017a2a12fa59f3f")), result.replyAttributes());
        List<String> lines = java.nio.file.Files.readAllLines(seen);
        assertEquals(List.of("Username: alice", "NT-Domain: CORP", "LANMAN-Challenge: "
                + java.util.HexFormat.of().formatHex(MS_CHAP.challengeHash("alice")),
                "NT-Response: 82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df", "Request-User-Session-Key: Yes", "."),
                lines);
        assertEquals(0, server.bindsAs(AdLikeServer.ALICE_DN), "no bind as the user: there is no password to bind");
    }

    /**
     * A password that must change: the domain's refusal is answered "E=648 R=1" (a change offered); the peer's
     * change goes to ntlm_auth's change-password helper, then its NT-Response is checked with the new password, and
     * the accept carries the reply made from the new NT key. A change refused is E=709, with no second offer.
     */
    @Test
    void anExpiredPasswordIsOfferedAChangeThatTheDomainMakes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path seen = dir.resolve("seen");
        java.nio.file.Path script = dir.resolve("ntlm_auth");
        java.nio.file.Path changed = dir.resolve("changed");
        java.nio.file.Files.writeString(script, """
                #!/bin/sh
                while IFS= read -r line; do
                  echo "${line%%%%: *}" >> %1$s
                  case "$line" in Old-NT-Hash-Blob:*) hash="${line#Old-NT-Hash-Blob: }" ;; esac
                  [ "$line" = . ] || continue
                  case "$*" in
                    *ntlm-change-password-1*)
                      if [ "$hash" = 00000000000000000000000000000000 ]; then
                        touch %2$s; printf 'Password-Change: Yes\n.\n'
                      else
                        printf 'Password-Change: No\nPassword-Change-Error: NT_STATUS_PASSWORD_RESTRICTION\n.\n.\n'
                      fi ;;
                    *) if [ -e %2$s ]; then
                         printf 'Authenticated: Yes\nUser-Session-Key: 41C00C584BD2D91C4017A2A12FA59F3F\n.\n'
                       else
                         printf 'Authenticated: No\nAuthentication-Error: The user password must be changed \
                before logging on the first time.\n.\n.\n'
                       fi ;;
                  esac
                done
                """.formatted(seen, changed));
        script.toFile().setExecutable(true);
        Map<String, Object> config = server.config();
        config.put("msChapV2", "winbind");
        config.put("ntlmAuth", script.toString());
        config.put("ntlmAuthDomain", "CORP");
        LdapUserDirectory directory = directory(config);
        PrimaryAuthResult mustChange = await(directory.authenticate(request("alice", MS_CHAP)));
        assertEquals(ReasonCode.PASSWORD_MUST_CHANGE, mustChange.reason());
        assertEquals(MS_CHAP.failureAttributes(ReasonCode.PASSWORD_MUST_CHANGE, true), mustChange.replyAttributes());

        org.radmfa.api.MsChapV2PasswordChange refusedChange = new org.radmfa.api.MsChapV2PasswordChange(MS_CHAP,
                new byte[516], new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        PrimaryAuthResult refused = await(directory.authenticate(request("alice", refusedChange)));
        assertEquals(ReasonCode.PASSWORD_CHANGE_REFUSED, refused.reason(), refused.detail());
        assertEquals(MS_CHAP.failureAttributes(ReasonCode.PASSWORD_CHANGE_REFUSED), refused.replyAttributes());

        org.radmfa.api.MsChapV2PasswordChange change = new org.radmfa.api.MsChapV2PasswordChange(MS_CHAP,
                new byte[516], new byte[16]);
        PrimaryAuthResult accepted = await(directory.authenticate(request("alice", change)));
        assertTrue(accepted.accepted(), accepted.detail());
        assertTrue(accepted.detail().contains("changed"), accepted.detail());
        assertTrue(accepted.user().groups().contains("vpn-users"), accepted.user().groups().toString());
        assertEquals(MS_CHAP.successAttributes("alice", java.util.HexFormat.of().parseHex(
                "41c00c584bd2d91c4017a2a12fa59f3f")), accepted.replyAttributes());
        assertEquals(List.of("Username", "NT-Domain", "New-NT-Password-Blob", "Old-NT-Hash-Blob", "."),
                java.nio.file.Files.readAllLines(seen).subList(6, 11), "the change as ntlm-change-password-1 has it");
    }

    @Test
    void msChapV2WithAnEmptyUserNameGetsAnMsChapErrorToo() throws Exception {
        Map<String, Object> config = server.config();
        config.put("msChapV2", "winbind");
        config.put("ntlmAuth", "/bin/false");
        PrimaryAuthResult result = await(directory(config).authenticate(request("", MS_CHAP)));
        assertEquals(ReasonCode.UNKNOWN_USER, result.reason());
        assertEquals("MS-CHAP-Error", result.replyAttributes().get(0).name());
    }

    @Test
    void msChapV2ForADisabledAccountIsRefusedBeforeAskingTheDomain() throws Exception {
        Map<String, Object> config = server.config();
        config.put("msChapV2", "winbind");
        config.put("ntlmAuth", "/bin/false");
        PrimaryAuthResult result = await(directory(config).authenticate(request("bob", MS_CHAP)));
        assertEquals(ReasonCode.ACCOUNT_DISABLED, result.reason());
        assertTrue(new String(java.util.HexFormat.of().parseHex(result.replyAttributes().get(0).value().substring(4)),
                java.nio.charset.StandardCharsets.US_ASCII).startsWith("E=647"), result.replyAttributes().toString());
    }

    @Test
    void aCertificatesUserIsFoundWithItsGroupsWithoutABind() throws Exception {
        CertificateCredentials certificate = new CertificateCredentials(AuthMethod.EAP_TLS, "alice@corp.example",
                "CN=Alice", "CN=Corp CA", "01", List.of("1.3.6.1.5.5.7.3.2"), List.of());
        PrimaryAuthResult result = await(directory().authenticate(request("alice@corp.example", certificate)));
        assertEquals(ReasonCode.ACCEPTED, result.reason(), result.detail());
        assertEquals(Set.of("vpn-users", "remote-access", "loop"), result.user().groups());
        assertEquals(0, server.bindsAs(AdLikeServer.ALICE_DN));
        PrimaryAuthResult disabled = await(directory().authenticate(request("bob", certificate)));
        assertEquals(ReasonCode.ACCOUNT_DISABLED, disabled.reason());
        PrimaryAuthResult unknown = await(directory().authenticate(request("nobody", certificate)));
        assertEquals(ReasonCode.UNKNOWN_USER, unknown.reason());
    }

    @Test
    void aCertificateDoesNotLetAnExpiredOrLockedOutAccountIn() throws Exception {
        CertificateCredentials certificate = new CertificateCredentials(AuthMethod.EAP_TLS, "fay@corp.example",
                "CN=Fay", "CN=Corp CA", "02", List.of("1.3.6.1.5.5.7.3.2"), List.of());
        PrimaryAuthResult expired = await(directory().authenticate(request("fay", certificate)));
        assertEquals(ReasonCode.ACCOUNT_EXPIRED, expired.reason(), expired.detail());
        PrimaryAuthResult locked = await(directory().authenticate(request("gus", certificate)));
        assertEquals(ReasonCode.ACCOUNT_LOCKED_OUT, locked.reason(), locked.detail());
    }

    @Test
    void anAccountsDialInPropertiesComeWithTheUser() throws Exception {
        User ivy = await(directory().authenticate(request("ivy", new PapCredentials("Ivy-Pw-1")))).user();
        assertEquals(new DialIn(DialIn.Access.ALLOW, Set.of("203.0.113.7"), "192.168.1.10",
                List.of("10.20.0.0/16 0.0.0.0 1", "10.30.0.0/16 0.0.0.0 1")), ivy.dialIn());
        User hal = await(directory().authenticate(request("hal", new PapCredentials("Hal-Pw-1")))).user();
        assertEquals(DialIn.Access.DENY, hal.dialIn().access());
        User alice = await(directory().authenticate(request("alice", new PapCredentials(AdLikeServer.ALICE_PASSWORD))))
                .user();
        assertEquals(DialIn.NONE, alice.dialIn(), "no Dial-in attributes: Control access through NPS Network Policy");
    }

    @Test
    void otherMethodsAreUnsupported() throws Exception {
        PrimaryAuthResult result = await(directory().authenticate(request("alice",
                new ChapCredentials(1, new byte[16], new byte[16]))));
        assertEquals(ReasonCode.UNSUPPORTED_AUTH_METHOD, result.reason());
    }

    @Test
    void failsOverToTheNextUrl() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        Map<String, Object> config = server.config();
        config.put("urls", "ldap://127.0.0.1:" + closed + ", ldap://127.0.0.1:" + server.ldapPort());
        assertTrue(login(directory(config), "alice", AdLikeServer.ALICE_PASSWORD).accepted());
    }

    @Test
    void reachableWhileTheServerAnswersAndSaysWhyWhenItDoesNot() throws Exception {
        try (AdLikeServer own = new AdLikeServer()) {
            LdapUserDirectory directory = directory(own.config());
            assertEquals(Optional.empty(), directory.unreachable());
            own.stop();
            Optional<String> why = directory.unreachable();
            assertTrue(why.isPresent() && !why.get().isBlank(), why.toString());
        }
    }

    @Test
    void stoppedServerIsDirectoryUnavailableWithinTheTimeout() throws Exception {
        try (AdLikeServer own = new AdLikeServer()) {
            LdapUserDirectory directory = directory(own.config());
            assertTrue(login(directory, "alice", AdLikeServer.ALICE_PASSWORD).accepted());
            own.stop();
            PrimaryAuthResult result = login(directory, "alice", AdLikeServer.ALICE_PASSWORD);
            assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, result.reason(), result.detail());
            // Told by the closed connection, not by waiting out a timeout (and login's own bound ends a hang).
            assertFalse(result.detail().contains("timeout"), result.detail());
        }
    }

    @Test
    void findsAGroupNameByItsSid() throws Exception {
        try (AdLikeServer own = new AdLikeServer()) {
            LdapUserDirectory directory = directory(own.config());
            assertEquals(java.util.Optional.of("vpn-users"), directory.groupNameForSid(AdLikeServer.VPN_USERS_SID));
            assertEquals(java.util.Optional.empty(), directory.groupNameForSid(
                    "S-1-5-21-1004336348-1177238915-682003330-1106"));
            assertEquals(java.util.Optional.empty(), directory.groupNameForSid("not a SID"));
            own.stop();
            assertEquals(java.util.Optional.empty(), directory.groupNameForSid(AdLikeServer.VPN_USERS_SID));
        }
    }

    @Test
    void findsGroupsByCnAndSaysWhenItCannotTell() throws Exception {
        try (AdLikeServer own = new AdLikeServer()) {
            LdapUserDirectory directory = directory(own.config());
            assertEquals(UserDirectory.GroupLookup.FOUND, directory.findGroup("vpn-users"));
            assertEquals(UserDirectory.GroupLookup.FOUND, directory.findGroup("Remote-Access"));
            assertEquals(UserDirectory.GroupLookup.NOT_FOUND, directory.findGroup("no-such-group"));
            // A user is not a group, and filter syntax in a name is data.
            assertEquals(UserDirectory.GroupLookup.NOT_FOUND, directory.findGroup("Alice Anders"));
            assertEquals(UserDirectory.GroupLookup.NOT_FOUND, directory.findGroup("*"));
            own.stop();
            assertEquals(UserDirectory.GroupLookup.CANNOT_TELL, directory.findGroup("vpn-users"));
        }
    }

    @Test
    void silentServerTimesOutAsDirectoryUnavailable() throws Exception {
        try (BlackHole hole = new BlackHole()) {
            Map<String, Object> config = server.config();
            config.put("urls", "ldap://127.0.0.1:" + hole.port());
            config.put("responseTimeoutMillis", "300");
            LdapUserDirectory directory = directory(config);
            long start = System.nanoTime();
            PrimaryAuthResult result = login(directory, "alice", AdLikeServer.ALICE_PASSWORD);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, result.reason(), result.detail());
            // The response timeout ended it (the reason says so), and it was really waited for.
            assertTrue(result.detail().contains("timeout"), result.detail());
            assertTrue(millis >= 250, millis + " ms");
        }
    }

    @Test
    void neverBlocksTheCallerAndRefusesBeyondTheQueue() throws Exception {
        try (BlackHole hole = new BlackHole()) {
            Map<String, Object> config = server.config();
            config.put("urls", "ldap://127.0.0.1:" + hole.port());
            // The longest timeout: the black hole never answers, so the running request cannot end before close.
            config.put("responseTimeoutMillis", "60000");
            config.put("poolSize", "1");
            config.put("queueSize", "1");
            LdapUserDirectory directory = directory(config);
            CompletableFuture<PrimaryAuthResult> running = directory.authenticate(
                    request("alice", new PapCredentials("x"))).toCompletableFuture();
            CompletableFuture<PrimaryAuthResult> queued = directory.authenticate(
                    request("alice", new PapCredentials("x"))).toCompletableFuture();
            CompletionStage<PrimaryAuthResult> third = directory.authenticate(request("alice", new PapCredentials("x")));
            // The caller was not blocked: the calls returned while the first request is still waiting for the
            // server (a caller made to wait would have seen it end first), and the refusal came without waiting.
            assertFalse(running.isDone(), "the caller was not blocked");
            assertFalse(queued.isDone());
            assertTrue(third.toCompletableFuture().isDone(), "refused at once, not queued");
            PrimaryAuthResult refused = await(third);
            assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, refused.reason());
            assertTrue(refused.detail().contains("overloaded"), refused.detail());

            // Deactivation answers what is still waiting and stops the running one.
            directory.close(false);
            assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, await(queued).reason());
            assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, await(running).reason());
            assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, login(directory, "alice", "x").reason());
        }
    }

    @Test
    void ldapsWithTheTrustStore() throws Exception {
        Map<String, Object> config = tls("ldaps", "ldaps://localhost:" + server.ldapsPort());
        PrimaryAuthResult result = login(directory(config), "alice", AdLikeServer.ALICE_PASSWORD);
        assertEquals(ReasonCode.ACCEPTED, result.reason(), result.detail());
        assertEquals(Set.of("vpn-users", "remote-access", "loop"), result.user().groups());
    }

    @Test
    void startTlsWithTheTrustStore() throws Exception {
        Map<String, Object> config = tls("starttls", "ldap://localhost:" + server.ldapPort());
        PrimaryAuthResult result = login(directory(config), "alice", AdLikeServer.ALICE_PASSWORD);
        assertEquals(ReasonCode.ACCEPTED, result.reason(), result.detail());
    }

    @Test
    void ldapsWithoutTrustingTheCertificateIsUnavailable() throws Exception {
        Map<String, Object> config = tls("ldaps", "ldaps://localhost:" + server.ldapsPort());
        config.remove("trustStore");
        config.remove("trustStorePassword");
        PrimaryAuthResult result = login(directory(config), "alice", AdLikeServer.ALICE_PASSWORD);
        assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, result.reason(), result.detail());
        assertEquals(0, server.binds.size(), "no password sent over an untrusted connection");
    }

    @Test
    void certificateForAnotherHostNameIsUnavailable() throws Exception {
        // A trusted certificate, but for ldap.corp.example, reached as localhost. (Not as 127.0.0.1: the SDK's host
        // name check deliberately accepts any certificate on a loopback IP address.)
        try (AdLikeServer other = new AdLikeServer("ldap.corp.example")) {
            for (String[] variant : new String[][] {{"ldaps", "ldaps://localhost:" + other.ldapsPort()},
                    {"starttls", "ldap://localhost:" + other.ldapPort()}}) {
                Map<String, Object> config = tls(other, variant[0], variant[1]);
                PrimaryAuthResult result = login(directory(config), "alice", AdLikeServer.ALICE_PASSWORD);
                assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, result.reason(), variant[0] + ": " + result.detail());
            }
            assertEquals(0, other.binds.size(), "no password sent to an unverified host");
        }
    }

    private static Map<String, Object> tls(String security, String url) {
        return tls(server, security, url);
    }

    private static Map<String, Object> tls(AdLikeServer server, String security, String url) {
        Map<String, Object> config = server.config();
        config.put("security", security);
        config.put("urls", url);
        config.put("trustStore", server.trustStore().toString());
        config.put("trustStorePassword", AdLikeServer.TRUST_PASSWORD);
        return config;
    }

    /** Accepts TCP connections on loopback and never answers. */
    private static final class BlackHole implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor = new Thread(this::acceptAll, "black-hole");

        BlackHole() throws Exception {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void acceptAll() {
            try {
                while (true) {
                    Socket client = socket.accept();
                    synchronized (accepted) {
                        accepted.add(client);
                    }
                }
            } catch (Exception closed) {
                // the test is over
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            synchronized (accepted) {
                for (Socket client : accepted) {
                    client.close();
                }
            }
        }
    }
}
