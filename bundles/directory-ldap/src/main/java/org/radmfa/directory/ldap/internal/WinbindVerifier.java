package org.radmfa.directory.ldap.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.radmfa.api.ReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MS-CHAPv2 responses checked by the domain through winbind: a small pool of long-running {@code ntlm_auth}
 * helpers (not a process per login), started on first use and replaced when one dies or misses its deadline. The
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

    /** A place for one helper; the queue of slots bounds how many run and hands each to one thread at a time. */
    private static final class Slot {
        NtlmAuthHelper helper;
    }

    private final String directory;
    private final WinbindSettings settings;
    private final List<String> command;
    private final BlockingQueue<Slot> slots;
    private volatile boolean closed;

    WinbindVerifier(String directory, WinbindSettings settings) {
        this.directory = directory;
        this.settings = settings;
        this.command = settings.command();
        this.slots = new ArrayBlockingQueue<>(settings.helpers());
        for (int i = 0; i < settings.helpers(); i++) {
            slots.add(new Slot());
        }
    }

    /**
     * Asks the domain whether the NT-Response answers the challenge for this account.
     *
     * @param account the sAMAccountName, without line breaks
     * @param challenge the 8-octet challenge (RFC 2759 ChallengeHash)
     * @param ntResponse the peer's 24 octets
     */
    Verdict verify(String account, byte[] challenge, byte[] ntResponse) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMillis());
        Slot slot;
        try {
            slot = slots.poll(settings.timeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(account, "interrupted while waiting for an ntlm_auth helper");
        }
        if (slot == null) {
            return unavailable(account, "all " + settings.helpers() + " ntlm_auth helpers stayed busy for "
                    + settings.timeoutMillis() + " ms");
        }
        try {
            if (closed) {
                return unavailable(account, "directory " + directory + " was stopped");
            }
            if (slot.helper == null || !slot.helper.usable()) {
                slot.helper = NtlmAuthHelper.start("radmfa-ntlm_auth-" + directory, command);
            }
            NtlmServerProtocol.Answer answer = slot.helper.exchange(
                    NtlmServerProtocol.request(account, settings.domain(), challenge, ntResponse), deadline);
            return verdict(account, answer);
        } catch (IOException e) {
            return unavailable(account, e.getMessage());
        } finally {
            release(slot);
        }
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

    private void release(Slot slot) {
        if (closed && slot.helper != null) {
            slot.helper.close();
        }
        slots.add(slot);
    }

    /** Stops the idle helpers now; a busy one stops when its check is done. */
    @Override
    public void close() {
        closed = true;
        for (Slot slot : slots.toArray(Slot[]::new)) {
            if (slot.helper != null) {
                slot.helper.close();
            }
        }
    }

    @Override
    public String toString() {
        return "WinbindVerifier[" + directory + ", " + settings + "]";
    }
}
