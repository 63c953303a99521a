package org.radmfa.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.radmfa.api.admin.CheckFinding;
import org.radmfa.api.config.Refusal;

class RefusalFindingsTest {

    @Test
    void aRefusedFileIsAnErrorNamingFileKeyReasonAndWhatServes() {
        List<CheckFinding> findings = ConfigurationCheckImpl.refusals(List.of(
                new Refusal("org.radmfa.user~b", "local user", "etc/org.radmfa.user-b.cfg", "ntHash",
                        "must be 32 hexadecimal digits", false),
                new Refusal("org.radmfa.client~a", "RADIUS client", "etc/org.radmfa.client-a.cfg", "address",
                        "'10.1.255.0/33' is not a CIDR subnet", true)), true);
        assertEquals(2, findings.size());
        CheckFinding client = findings.get(0);
        assertEquals(CheckFinding.Severity.ERROR, client.severity());
        assertEquals("refused-configuration", client.rule());
        assertEquals("etc/org.radmfa.client-a.cfg", client.subject());
        assertEquals("the RADIUS client in it is refused: key 'address': '10.1.255.0/33' is not a CIDR subnet; its last"
                + " good version keeps serving", client.problem());
        assertEquals("correct key 'address' in etc/org.radmfa.client-a.cfg; it is read again within seconds of saving",
                client.fix());
        assertEquals("the local user in it is refused: key 'ntHash': must be 32 hexadecimal digits; nothing of it"
                + " serves", findings.get(1).problem());
    }

    /**
     * A sealed secret read before the vault came is not a mistake in the file: a warning while a vault runs (it is
     * read again in a moment), an error while none does (then nothing of it serves until one does).
     */
    @Test
    void aSealedSecretThatWaitsForTheVaultIsAnErrorOnlyWhileNoVaultRuns() {
        List<Refusal> waiting = List.of(new Refusal("org.radmfa.client~demo", "RADIUS client",
                "etc/org.radmfa.client-demo.cfg", "secret", "is sealed ({aes-gcm}...) but no secret vault is running",
                false, true));
        CheckFinding withVault = ConfigurationCheckImpl.refusals(waiting, true).get(0);
        assertEquals(CheckFinding.Severity.WARNING, withVault.severity());
        assertEquals("waiting-for-vault", withVault.rule());
        assertEquals("the RADIUS client in it waits for the secret vault, which has just come, to open key 'secret';"
                + " nothing of it serves", withVault.problem());

        CheckFinding withoutVault = ConfigurationCheckImpl.refusals(waiting, false).get(0);
        assertEquals(CheckFinding.Severity.ERROR, withoutVault.severity());
        assertEquals("refused-configuration", withoutVault.rule());
        assertEquals("the RADIUS client in it is refused: key 'secret': is sealed ({aes-gcm}...) but no secret vault"
                + " is running; nothing of it serves", withoutVault.problem());
        assertEquals("start the secret vault (feature radmfa-vault, key etc/radmfa-vault.key); the file is read again"
                + " as soon as it runs", withoutVault.fix());
    }
}
