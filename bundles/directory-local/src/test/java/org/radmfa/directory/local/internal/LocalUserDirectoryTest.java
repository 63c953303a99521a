package org.radmfa.directory.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ChapCredentials;
import org.radmfa.api.Credentials;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.PrimaryAuthResult;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.SharedSecret;

class LocalUserDirectoryTest {
    private static final RadiusClient CLIENT =
            new RadiusClient("test", "127.0.0.1", SharedSecret.of("x"), null, true);

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
    });

    @AfterEach
    void stop() {
        directory.deactivate();
    }

    private PrimaryAuthResult login(String user, Credentials credentials) {
        AuthenticationRequest request = new AuthenticationRequest("t-1", CLIENT, new InetSocketAddress(1812), user,
                credentials, List.of(), Instant.now());
        return directory.authenticate(request).toCompletableFuture().join();
    }

    private void define(String key, String name, String password, boolean enabled) {
        directory.put(key, new LocalUser(name, PasswordHash.create(password, new SecureRandom()),
                Set.of("vpn-users"), enabled), key + ".cfg");
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
                login("carol", new ChapCredentials(1, new byte[16], new byte[16])).reason());
    }

    @Test
    void aSecondDefinitionOfTheSameUserIsRefused() {
        define("k1", "dave", "pw", true);
        assertThrows(IllegalArgumentException.class, () -> define("k2", "Dave", "pw", true));
        directory.remove("k1");
        assertEquals(ReasonCode.UNKNOWN_USER, login("dave", new PapCredentials("pw")).reason());
    }
}
