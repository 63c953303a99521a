package org.radmfa.directory.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmfa.api.ReasonCode;

/**
 * The pool's handling of its helper processes, with a shell script in place of ntlm_auth that answers the
 * ntlm-server-1 protocol as ntlm_auth does (the answers are transcripts of the real one; ActiveDirectoryIT runs the
 * real one against a Samba AD DC). Each start of the script appends a line to a file, so process reuse is visible.
 */
class WinbindVerifierTest {
    private static final String SCRIPT = """
            #!/bin/sh
            echo started >> "%1$s"
            while IFS= read -r line; do
              case "$line" in
                Username:*) user="${line#Username: }" ;;
                New-NT-Password-Blob:*) blob="${line#New-NT-Password-Blob: }" ;;
                .) case "$*" in
                     *ntlm-change-password-1*)
                       echo "change $user ${#blob}" >> "%1$s"
                       case "$user" in
                         frank) printf 'Password-Change: Yes\n.\n' ;;
                         *) printf 'Password-Change: No\nPassword-Change-Error: When trying to update a password, \
            this status indicates that some password update rule has been violated. For example, the password might \
            not meet length criteria.\n.\n.\n' ;;
                       esac
                       continue ;;
                   esac
                   case "$user" in
                     alice) printf 'Authenticated: Yes\\nUser-Session-Key: 41C00C584BD2D91C4017A2A12FA59F3F\\n.\\n' ;;
                     nokey) printf 'Authenticated: Yes\\n.\\n' ;;
                     bob) printf 'Authenticated: No\\nAuthentication-Error: The referenced account is currently \
            disabled and cannot be logged on to.\\n.\\n.\\n' ;;
                     down) printf 'Authenticated: No\\nAuthentication-Error: Reading winbind reply failed!\\n.\\n.\\n' ;;
                     silent) ;;
                     die) exit 3 ;;
                   esac ;;
              esac
            done
            """;

    @TempDir
    Path dir;
    private Path starts;
    private WinbindVerifier verifier;

    @BeforeEach
    void fakeNtlmAuth() throws IOException {
        starts = dir.resolve("starts");
        Path script = dir.resolve("ntlm_auth");
        Files.writeString(script, SCRIPT.formatted(starts.toString()));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        verifier = new WinbindVerifier("corp", new WinbindSettings(script, null, "CORP", 1, 1000));
    }

    @AfterEach
    void close() {
        verifier.close();
    }

    private WinbindVerifier.Verdict verify(String account) {
        return verifier.verify(account, new byte[8], new byte[24]);
    }

    private long starts() throws IOException {
        return Files.exists(starts) ? Files.readAllLines(starts).size() : 0;
    }

    @Test
    void acceptedWithTheNtKeyByOneLongRunningHelper() throws IOException {
        for (int i = 0; i < 3; i++) {
            WinbindVerifier.Verdict verdict = verify("alice");
            assertEquals(ReasonCode.ACCEPTED, verdict.reason(), verdict.detail());
            assertEquals("41c00c584bd2d91c4017a2a12fa59f3f", HexFormat.of().formatHex(verdict.passwordHashHash()));
        }
        assertEquals(1, starts(), "one process for every check");
    }

    @Test
    void theDomainsRefusalKeepsTheHelper() throws IOException {
        assertEquals(ReasonCode.ACCOUNT_DISABLED, verify("bob").reason());
        assertEquals(ReasonCode.ACCEPTED, verify("alice").reason(), "the extra dot after a refusal is no answer");
        assertEquals(1, starts());
    }

    @Test
    void winbindDownIsDirectoryUnavailable() {
        WinbindVerifier.Verdict verdict = verify("down");
        assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, verdict.reason());
        assertTrue(verdict.detail().contains("Reading winbind reply failed!"), verdict.detail());
    }

    @Test
    void anAcceptWithoutNtKeyIsNoAccept() {
        WinbindVerifier.Verdict verdict = verify("nokey");
        assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, verdict.reason());
        assertTrue(verdict.detail().contains("winbindd_priv"), verdict.detail());
    }

    @Test
    void aSilentHelperIsReplacedAfterItsDeadline() throws IOException {
        WinbindVerifier.Verdict verdict = verify("silent");
        assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, verdict.reason());
        assertTrue(verdict.detail().contains("no answer from ntlm_auth in time"), verdict.detail());
        assertEquals(ReasonCode.ACCEPTED, verify("alice").reason());
        assertEquals(2, starts(), "a new helper after the one that missed its deadline");
    }

    @Test
    void aDyingHelperIsReplaced() throws IOException {
        assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, verify("die").reason());
        assertEquals(ReasonCode.ACCEPTED, verify("alice").reason());
        assertEquals(2, starts());
    }

    @Test
    void aMissingNtlmAuthIsDirectoryUnavailable() {
        verifier.close();
        verifier = new WinbindVerifier("corp", new WinbindSettings(dir.resolve("gone"), null, "", 1, 1000));
        WinbindVerifier.Verdict verdict = verify("alice");
        assertEquals(ReasonCode.DIRECTORY_UNAVAILABLE, verdict.reason());
        assertTrue(verdict.detail().contains("gone"), verdict.detail());
    }

    /**
     * A password change goes to a helper of its own protocol (ntlm-change-password-1), with the 516-octet blob as
     * 1032 hex digits; the domain's refusal of the new password is PASSWORD_CHANGE_REFUSED.
     */
    @Test
    void aPasswordChangeGoesToTheChangePasswordHelper() throws IOException {
        WinbindVerifier.Verdict changed = verifier.changePassword("frank", new byte[516], new byte[16]);
        assertEquals(ReasonCode.ACCEPTED, changed.reason(), changed.detail());
        WinbindVerifier.Verdict refused = verifier.changePassword("erin", new byte[516], new byte[16]);
        assertEquals(ReasonCode.PASSWORD_CHANGE_REFUSED, refused.reason(), refused.detail());
        assertTrue(refused.detail().contains("NT_STATUS_PASSWORD_RESTRICTION"), refused.detail());
        assertEquals(ReasonCode.ACCEPTED, verify("alice").reason());
        List<String> lines = Files.readAllLines(starts);
        assertTrue(lines.contains("change frank 1032"), lines.toString());
        assertEquals(2, lines.stream().filter("started"::equals).count(), "one change helper, one check helper");
    }
}
