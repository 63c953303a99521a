package org.radmfa.directory.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** ntlm_auth --helper-protocol=ntlm-change-password-1, as Samba 4.17's source3/utils/ntlm_auth.c speaks it. */
class NtlmChangePasswordProtocolTest {

    @Test
    void requestCarriesTheTwoBlobsInHex() {
        byte[] password = new byte[516];
        password[0] = (byte) 0xAB;
        byte[] hash = new byte[16];
        hash[15] = 1;
        String request = NtlmChangePasswordProtocol.request("frank", "RADMFA", password, hash);
        assertTrue(request.startsWith("Username: frank\nNT-Domain: RADMFA\nNew-NT-Password-Blob: ab00"), request);
        assertTrue(request.contains("\nOld-NT-Hash-Blob: 00000000000000000000000000000001\n.\n"), request);
        assertEquals(1032, request.lines().filter(l -> l.startsWith("New-NT-Password-Blob: ")).findFirst()
                .orElseThrow().length() - "New-NT-Password-Blob: ".length());
        assertFalse(NtlmChangePasswordProtocol.request("frank", "", password, hash).contains("NT-Domain"));
    }

    @Test
    void readsTheChangeAndTheRefusal() {
        assertTrue(NtlmChangePasswordProtocol.parse(List.of("Password-Change: Yes")).changed());
        NtlmChangePasswordProtocol.Answer refused = NtlmChangePasswordProtocol.parse(List.of("Password-Change: No",
                "Password-Change-Error: When trying to update a password, this status indicates that some password"
                        + " update rule has been violated. For example, the password might not meet length criteria."));
        assertFalse(refused.changed());
        assertEquals(org.radmfa.api.ReasonCode.PASSWORD_CHANGE_REFUSED, DomainRefusal.of(refused.error()).reason());
        NtlmChangePasswordProtocol.Answer odd = NtlmChangePasswordProtocol.parse(List.of("Error: No username supplied!"));
        assertFalse(odd.changed());
        assertTrue(odd.error().contains("No username supplied"), odd.error());
    }
}
