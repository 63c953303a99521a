package org.radmfa.directory.ldap.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.radmfa.api.ReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MS-CHAPv2 responses checked by the domain through winbind: a small pool of long-running {@code ntlm_auth}
 * helpers (not a process per login), started on first use and replaced when one dies or misses its deadline; and
 * MS-CHAPv2 password changes, through one more helper in ntlm_auth's change-password protocol. The
 * domain says yes with the NT key (the PasswordHashHash the MPPE keys are made from), or no with an NT status,
 * mapped to a reason code. Whatever is not the domain's word about the user (no helper free in time, ntlm_auth
 * missing or dying, winbind down, no domain controller) is {@link ReasonCode#DIRECTORY_UNAVAILABLE} with a log line.
 */
final class WinbindVerifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WinbindVerifier.class);

    /** The domain's verdict: accepted with the NT key, or the reason it was not. */
    record Verdict(ReasonCode reason, byte[] passwordHashHash, String detail) {
        boolean accepted() {
            return reason == ReasonCode.ACCEPTED;
        }

        @Override
        public String toString() {
            return "Verdict[" + reason + ", " + detail + "]";
        }
    }

    private final String directory;
    private final WinbindSettings settings;
    private final HelperPool checks;
    private final HelperPool changes;

    WinbindVerifier(String directory, WinbindSettings settings) {
        this.directory = directory;
        this.settings = settings;
        this.checks = new HelperPool("radmfa-ntlm_auth-" + directory, settings.command("ntlm-server-1"),
                settings.helpers());
        // Changes are rare (a password expires every few weeks per user): one helper, started when the first comes.
        this.changes = new HelperPool("radmfa-ntlm_auth-cpw-" + directory,
                settings.command("ntlm-change-password-1"), 1);
    }

    /**
     * Asks the domain whether the NT-Response answers the challenge for this account.
     *
     * @param account the sAMAccountName, without line breaks
     * @param challenge the 8-octet challenge (RFC 2759 ChallengeHash)
     * @param ntResponse the peer's 24 octets
     */
    Verdict verify(String account, byte[] challenge, byte[] ntResponse) {
        try {
            List<String> answer = checks.exchange(NtlmServerProtocol.request(account, settings.domain(), challenge,
                    ntResponse), deadline());
            return verdict(account, NtlmServerProtocol.parse(answer));
        } catch (IOException e) {
            return unavailable(account, e.getMessage());
        }
    }

    /**
     * Asks the domain to change the account's password with an MS-CHAPv2 Change-Password's two blobs (RFC 2759
     * sections 8.9 and 8.12): the domain checks the old password by them and applies its password policy. Accepted
     * (with no key: the caller verifies the NT-Response with the new password next), or the domain's reason.
     */
    Verdict changePassword(String account, byte[] encryptedPassword, byte[] encryptedHash) {
        NtlmChangePasswordProtocol.Answer answer;
        try {
            answer = NtlmChangePasswordProtocol.parse(changes.exchange(NtlmChangePasswordProtocol.request(account,
                    settings.domain(), encryptedPassword, encryptedHash), deadline()));
        } catch (IOException e) {
            return unavailable(account, e.getMessage());
        }
        if (answer.changed()) {
            LOG.info("Directory {}: the domain changed the expired password of '{}' (MS-CHAPv2 change-password)",
                    directory, account);
            return new Verdict(ReasonCode.ACCEPTED, null, "the domain changed the password of '" + account + "'");
        }
        DomainRefusal refusal = DomainRefusal.of(answer.error());
        if (refusal.reason() == ReasonCode.DIRECTORY_UNAVAILABLE) {
            return unavailable(account, "winbind answered the password change: " + refusal.status());
        }
        return new Verdict(refusal.reason(), null, "the domain refused to change the password of '" + account + "': "
                + refusal.status());
    }

    private long deadline() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMillis());
    }

    private Verdict verdict(String account, NtlmServerProtocol.Answer answer) {
        if (answer.authenticated()) {
            byte[] key = answer.userSessionKey();
            if (key == null || key.length != 16) {
                // winbind hands out the key only on its privileged pipe.
                return unavailable(account, "the domain accepted the response but winbind gave no NT key: the"
                        + " appliance's user needs access to winbindd's privileged pipe (group winbindd_priv)");
            }
            return new Verdict(ReasonCode.ACCEPTED, key, "MS-CHAPv2 response of '" + account
                    + "' verified by the domain through winbind");
        }
        DomainRefusal refusal = DomainRefusal.of(answer.error());
        if (refusal.reason() == ReasonCode.DIRECTORY_UNAVAILABLE) {
            return unavailable(account, "winbind answered: " + refusal.status());
        }
        return new Verdict(refusal.reason(), null, "the domain refused '" + account + "': " + refusal.status());
    }

    private Verdict unavailable(String account, String why) {
        String detail = "winbind could not check the MS-CHAPv2 response of '" + account + "' for directory "
                + directory + ": " + why;
        LOG.warn("{}", detail);
        return new Verdict(ReasonCode.DIRECTORY_UNAVAILABLE, null, detail);
    }

    /** Stops the idle helpers now; a busy one stops when its exchange is done. */
    @Override
    public void close() {
        checks.close();
        changes.close();
    }

    @Override
    public String toString() {
        return "WinbindVerifier[" + directory + ", " + settings + "]";
    }
}
