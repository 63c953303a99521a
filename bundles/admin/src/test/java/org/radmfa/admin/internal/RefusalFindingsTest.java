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
                        "'10.1.255.0/33' is not a CIDR subnet", true)));
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
}
