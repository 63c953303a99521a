package org.radmfa.directory.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ChapCredentials;
import org.radmfa.api.Credentials;
import org.radmfa.api.DialIn;
import org.radmfa.api.MsChapV2Credentials;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedSecret;
import org.radmfa.api.UserDirectory;

class LocalUserDirectoryTest {
    private static final RadiusClient CLIENT =
            new RadiusClient("test", "127.0.0.1", SharedSecret.of("x"), null, true);

    /** The user definitions ConfigurationAdmin holds, as group lists. */
    private final List<Dictionary<String, Object>> definitions = new ArrayList<>();

    private final LocalUserDirectory directory = new LocalUserDirectory(new LocalUserDirectory.Config() {
        @Override
        public Class<? extends Annotation> annotationType() {
            return LocalUserDirectory.Config.class;
        }

        @Override
        public String name() {
            return "local";
        }

        @Override
        public int hashThreads() {
            return 1;
        }

        @Override
        public int hashQueue() {
            return 16;
        }
    }, configurationAdmin(definitions));

    /** Just enough ConfigurationAdmin for listConfigurations, without a framework. */
    private static ConfigurationAdmin configurationAdmin(List<Dictionary<String, Object>> definitions) {
        return (ConfigurationAdmin) Proxy.newProxyInstance(ConfigurationAdmin.class.getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("listConfigurations")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    List<Configuration> found = new ArrayList<>();
                    for (Dictionary<String, Object> properties : definitions) {
                        found.add((Configuration) Proxy.newProxyInstance(Configuration.class.getClassLoader(),
                                new Class<?>[] {Configuration.class}, (c, m, a) -> {
                                    if (!m.getName().equals("getProperties")) {
                                        throw new UnsupportedOperationException(m.getName());
                                    }
                                    return properties;
                                }));
                    }
                    return found.isEmpty() ? null : found.toArray(new Configuration[0]);
                });
    }

    @Test
    void aGroupExistsWhileAUserIsInItLoadedOrOnlyConfigured() {
        List<String> announcements = new ArrayList<>();
        directory.addListener(changed -> announcements.add(changed.name()));
        assertEquals(UserDirectory.GroupLookup.NOT_FOUND, directory.findGroup("vpn-users"));
        define("k1", "alice", "pw", true);
        assertEquals(List.of("local"), announcements);
        assertEquals(UserDirectory.GroupLookup.FOUND, directory.findGroup("VPN-Users"));
        assertEquals(UserDirectory.GroupLookup.NOT_FOUND, directory.findGroup("admins"));
        // A definition ConfigurationAdmin holds but that is not loaded yet already counts.
        definitions.add(new Hashtable<>(Map.of("groups", "staff, admins")));
        assertEquals(UserDirectory.GroupLookup.FOUND, directory.findGroup("admins"));
        directory.remove("k1");
        assertEquals(2, announcements.size());
        assertEquals(UserDirectory.GroupLookup.NOT_FOUND, directory.findGroup("vpn-users"));
    }

    @AfterEach
    void stop() {
        directory.deactivate();
    }

    private PrimaryAuthResult login(String user, Credentials credentials) {
        AuthenticationRequest request = new AuthenticationRequest("t-1", CLIENT, new InetSocketAddress(1812), user,
                credentials, List.of(), Instant.now());
        return directory.authenticate(request).toCompletableFuture().join();
    }

    private CompletableFuture<PrimaryAuthResult> loginAsync(String user, Credentials credentials) {
        AuthenticationRequest request = new AuthenticationRequest("t-1", CLIENT, new InetSocketAddress(1812), user,
                credentials, List.of(), Instant.now());
        return directory.authenticate(request).toCompletableFuture();
    }

    private void define(String key, String name, String password, boolean enabled) {
        directory.put(key, new LocalUser(name, PasswordHash.create(password, new SecureRandom()), null, null,
                Set.of("vpn-users"), enabled, DialIn.NONE), key + ".cfg");
    }

    @Test
    void acceptsTheRightPasswordTwiceAndRejectsTheWrongOne() {
        define("k1", "Alice", "correct horse", true);
        PrimaryAuthResult first = login("alice", new PapCredentials("correct horse"));
        assertEquals(ReasonCode.ACCEPTED, first.reason());
        assertEquals(Set.of("vpn-users"), first.user().groups());
        // second time through the in-memory cache
        assertEquals(ReasonCode.ACCEPTED, login("ALICE", new PapCredentials("correct horse")).reason());
        assertEquals(ReasonCode.AUTHENTICATION_FAILED, login("alice", new PapCredentials("wrong")).reason());
    }

    /**
     * A storm of logins of one user: more than the hashing pool holds (1 thread, 16 waiting) arrive before the first
     * PBKDF2 check ends. They share that one check instead of each queueing its own, so none is refused as overloaded.
     */
    @Test
    void concurrentChecksOfOnePasswordShareOneHash() {
        define("k1", "carol", "pw", true);
        List<CompletableFuture<PrimaryAuthResult>> logins = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            logins.add(loginAsync("carol", new PapCredentials(i % 2 == 0 ? "pw" : "wrong")));
        }
        for (int i = 0; i < logins.size(); i++) {
            assertEquals(i % 2 == 0 ? ReasonCode.ACCEPTED : ReasonCode.AUTHENTICATION_FAILED,
                    logins.get(i).join().reason(), "login " + i);
        }
    }

    /** A check still queued when the directory stops (a configuration change restarts it) ends its login. */
    @Test
    void aLoginWaitingForAPasswordCheckIsAnsweredWhenTheDirectoryStops() throws Exception {
        define("k1", "alice", "pw", true);
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        directory.hashing().execute(() -> {
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(1, java.util.concurrent.TimeUnit.MINUTES));
        CompletableFuture<PrimaryAuthResult> waiting = loginAsync("alice", new PapCredentials("pw"));
        assertFalse(waiting.isDone(), "queued behind the busy hashing thread");
        directory.deactivate();
        release.countDown();
        PrimaryAuthResult result = waiting.get(1, java.util.concurrent.TimeUnit.MINUTES);
        assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, result.reason());
    }

    @Test
    void aChangedPasswordInvalidatesTheCache() {
        define("k1", "bob", "old", true);
        assertEquals(ReasonCode.ACCEPTED, login("bob", new PapCredentials("old")).reason());
        define("k1", "bob", "new", true);
        assertEquals(ReasonCode.AUTHENTICATION_FAILED, login("bob", new PapCredentials("old")).reason());
        assertEquals(ReasonCode.ACCEPTED, login("bob", new PapCredentials("new")).reason());
    }

    @Test
    void unknownDisabledAndUnsupportedAreTheirOwnReasons() {
        define("k1", "carol", "pw", false);
        assertEquals(ReasonCode.UNKNOWN_USER, login("nobody", new PapCredentials("pw")).reason());
        assertEquals(ReasonCode.ACCOUNT_DISABLED, login("carol", new PapCredentials("pw")).reason());
        define("k1", "carol", "pw", true);
        assertEquals(ReasonCode.UNSUPPORTED_AUTH_METHOD,
                login("carol", new ChapCredentials(1, new byte[16], new byte[16])).reason(),
                "CHAP without a reversibly encrypted password");
    }

    @Test
    void aSecondDefinitionOfTheSameUserIsRefused() {
        define("k1", "dave", "pw", true);
        assertThrows(IllegalArgumentException.class, () -> define("k2", "Dave", "pw", true));
        directory.remove("k1");
        assertEquals(ReasonCode.UNKNOWN_USER, login("dave", new PapCredentials("pw")).reason());
    }

    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    /** The RFC 2759 section 9.2 exchange: user "User", password "clientPass". */
    private static MsChapV2Credentials rfc2759(String ntResponseHex) {
        return new MsChapV2Credentials(AuthMethod.MSCHAPV2, 7, HEX.parseHex("5b5d7c7d7b3f2f3e3c2c602132262628"),
                HEX.parseHex("21402324255e262a28295f2b3a337c7e"), HEX.parseHex(ntResponseHex));
    }

    @Test
    void msChapV2WithTheStoredNtHashSucceedsWithAuthenticatorResponseAndKeys() {
        directory.put("k1", new LocalUser("User", PasswordHash.create("clientPass", new SecureRandom()),
                MsChapV2.ntHash("clientPass"), null, Set.of("vpn-users"), true, DialIn.NONE), "k1.cfg");
        PrimaryAuthResult ok = login("User", rfc2759("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df"));
        assertEquals(ReasonCode.ACCEPTED, ok.reason());
        String success = ok.replyAttributes().get(0).value();
        assertEquals("0x07" + HEX.formatHex("S=407A5589115FD0D6209F510FE9C04566932CDA56".getBytes()), success);
        assertEquals("0x8b7cdc149b993a1ba118cb153f56dccb", ok.replyAttributes().get(1).value());
        assertEquals("MS-MPPE-Recv-Key", ok.replyAttributes().get(2).name());

        PrimaryAuthResult wrong = login("User", rfc2759("00309ecd8d708b5ea08faa3981cd83544233114a3d85d6df"));
        assertEquals(ReasonCode.AUTHENTICATION_FAILED, wrong.reason());
        assertEquals("MS-CHAP-Error", wrong.replyAttributes().get(0).name());
        assertTrue(new String(HEX.parseHex(wrong.replyAttributes().get(0).value().substring(4)))
                .startsWith("E=691 R=0 C=5B5D7C7D7B3F2F3E3C2C602132262628 V=3"));
    }

    @Test
    void msChapV2ForAUserWithoutNtHashIsRefused() {
        define("k1", "User", "clientPass", true);
        PrimaryAuthResult refused = login("User", rfc2759("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df"));
        assertEquals(ReasonCode.UNSUPPORTED_AUTH_METHOD, refused.reason());
        assertEquals("MS-CHAP-Error", refused.replyAttributes().get(0).name());
    }

    /** The local store never offers a password change (no 648 R=1); one sent anyway is refused, saying why. */
    @Test
    void anMsChapV2PasswordChangeIsRefusedForLocalUsers() {
        directory.put("k1", new LocalUser("User", PasswordHash.create("clientPass", new SecureRandom()),
                MsChapV2.ntHash("clientPass"), null, Set.of("vpn-users"), true, DialIn.NONE), "k1.cfg");
        PrimaryAuthResult refused = login("User", new org.radmfa.api.MsChapV2PasswordChange(
                rfc2759("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df"), new byte[516], new byte[16]));
        assertEquals(ReasonCode.UNSUPPORTED_AUTH_METHOD, refused.reason());
        assertTrue(refused.detail().contains("cannot change the password"), refused.detail());
        assertTrue(new String(HEX.parseHex(refused.replyAttributes().get(0).value().substring(4)))
                .startsWith("E=691 R=0"));
    }

    @Test
    void chapVerifiesAgainstTheReversiblyStoredPassword() throws Exception {
        directory.put("k1", new LocalUser("erin", PasswordHash.create("s3cret", new SecureRandom()), null, "s3cret",
                Set.of(), true, DialIn.NONE), "k1.cfg");
        byte[] challenge = HEX.parseHex("00112233445566778899aabbccddeeff");
        java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
        md5.update((byte) 42);
        md5.update("s3cret".getBytes());
        md5.update(challenge);
        byte[] response = md5.digest();
        assertEquals(ReasonCode.ACCEPTED, login("erin", new ChapCredentials(42, response, challenge)).reason());
        assertEquals(ReasonCode.AUTHENTICATION_FAILED,
                login("erin", new ChapCredentials(43, response, challenge)).reason());
    }

    private static Hashtable<String, Object> userFile(String file, String... keysAndValues) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("service.pid", "org.radmfa.user~" + file);
        properties.put("felix.fileinstall.filename", "file:/opt/radmfa/etc/org.radmfa.user-" + file + ".cfg");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    @Test
    void aUserFileIsReadAndABadChangeIsRefusedWhileTheLastGoodUserServes() {
        var files = directory.definitions().files();
        files.updated("org.radmfa.user~bob", userFile("bob", "name", "bob", "password", "first pw", "groups", "vpn"));
        assertEquals(ReasonCode.ACCEPTED, login("bob", new PapCredentials("first pw")).reason());

        files.updated("org.radmfa.user~bob", userFile("bob", "name", "bob", "password", "second pw", "ntHash", "xyz"));
        org.radmfa.api.config.Refusal refusal = files.refusals().get(0);
        assertEquals("etc/org.radmfa.user-bob.cfg", refusal.source());
        assertEquals("ntHash", refusal.key());
        assertEquals("must be 32 hexadecimal digits", refusal.reason());
        assertTrue(refusal.lastGoodServing());
        assertEquals(ReasonCode.ACCEPTED, login("bob", new PapCredentials("first pw")).reason(),
                "the last good definition keeps serving");

        files.updated("org.radmfa.user~bob2", userFile("bob2", "name", "BOB", "password", "other"));
        assertEquals("user 'BOB' is already defined in etc/org.radmfa.user-bob.cfg", files.refusals().get(1).reason());
        assertEquals(ReasonCode.ACCEPTED, login("bob", new PapCredentials("first pw")).reason());

        files.deleted("org.radmfa.user~bob");
        assertEquals(ReasonCode.UNKNOWN_USER, login("bob", new PapCredentials("first pw")).reason());
    }

    @Test
    void aUserFilesDialInPropertiesComeWithTheUserAndNonsenseIsRefused() {
        var files = directory.definitions().files();
        files.updated("org.radmfa.user~ivy", userFile("ivy", "name", "ivy", "password", "pw", "dialIn", "Allow",
                "callerId", "203.0.113.7, 203.0.113.8", "framedIpAddress", "10.9.0.77", "framedRoute",
                "10.20.0.0/16 0.0.0.0 1, 10.30.0.0/16 0.0.0.0 1"));
        assertEquals(new DialIn(DialIn.Access.ALLOW, Set.of("203.0.113.7", "203.0.113.8"), "10.9.0.77",
                List.of("10.20.0.0/16 0.0.0.0 1", "10.30.0.0/16 0.0.0.0 1")),
                login("ivy", new PapCredentials("pw")).user().dialIn());
        files.updated("org.radmfa.user~hal", userFile("hal", "name", "hal", "password", "pw"));
        assertEquals(DialIn.NONE, login("hal", new PapCredentials("pw")).user().dialIn());

        files.updated("org.radmfa.user~ivy", userFile("ivy", "name", "ivy", "password", "pw", "dialIn", "sometimes"));
        assertEquals("dialIn", files.refusals().get(0).key());
        files.updated("org.radmfa.user~hal", userFile("hal", "name", "hal", "password", "pw", "framedIpAddress",
                "10.9.0.256"));
        assertEquals("framedIpAddress", files.refusals().get(1).key());
        assertEquals(DialIn.Access.ALLOW, login("ivy", new PapCredentials("pw")).user().dialIn().access(),
                "the last good definition keeps serving");
    }

    @Test
    void aSealedChapPasswordWaitsForTheVault() {
        SecretVault vault = new SecretVault() {
            @Override
            public String seal(String secret) {
                return "{aes-gcm}" + secret;
            }

            @Override
            public String open(String sealed) {
                return sealed.substring("{aes-gcm}".length());
            }
        };
        var files = directory.definitions().files();
        files.updated("org.radmfa.user~carol", userFile("carol", "name", "carol", "passwordHash",
                PasswordHash.create("pw", new SecureRandom()).encoded(), "chapPassword", "{aes-gcm}pw"));
        assertEquals("chapPassword", files.refusals().get(0).key());
        assertTrue(files.refusals().get(0).waitsForVault(), "no mistake in the file: it waits for the vault");
        directory.bindVault(vault);
        assertTrue(files.refusals().isEmpty(), files.refusals().toString());
        assertEquals(ReasonCode.ACCEPTED, login("carol", new PapCredentials("pw")).reason());
    }
}
