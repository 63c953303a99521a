package org.radmfa.directory.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Transcripts of Samba 4.17's ntlm_auth --helper-protocol=ntlm-server-1 --allow-mschapv2 against a Samba AD DC. */
class NtlmServerProtocolTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void requestIsTheLinesFreeRadiusAndSquidSend() {
        assertEquals("Username: alice\nNT-Domain: RADMFA\nLANMAN-Challenge: 0102030405060708\n"
                + "NT-Response: 000102030405060708090a0b0c0d0e0f1011121314151617\nRequest-User-Session-Key: Yes\n.\n",
                NtlmServerProtocol.request("alice", "RADMFA", HEX.parseHex("0102030405060708"),
                        HEX.parseHex("000102030405060708090a0b0c0d0e0f1011121314151617")));
        assertFalse(NtlmServerProtocol.request("alice", "", new byte[8], new byte[24]).contains("NT-Domain"),
                "no domain: winbind's own");
    }

    @Test
    void valuesWithLineBreaksOrControlCharactersAreRefused() {
        assertTrue(NtlmServerProtocol.safeValue("alice.o'brien"));
        assertFalse(NtlmServerProtocol.safeValue("alice\nPassword: x"));
        assertFalse(NtlmServerProtocol.safeValue("alice\r"));
        assertFalse(NtlmServerProtocol.safeValue(""));
    }

    @Test
    void readsASuccessThenARefusalWithItsExtraDot() {
        List<NtlmServerProtocol.Answer> answers = read("Authenticated: Yes",
                "User-Session-Key: 066A34116A20580CA1828B216142478C", ".",
                "Authenticated: No", "Authentication-Error: The referenced account is currently disabled and cannot be"
                        + " logged on to.", ".", ".",
                "Authenticated: Yes", "User-Session-Key: 1B54B4F747BAEB059B637B7AEEAFFECB", ".");
        assertEquals(3, answers.size());
        assertTrue(answers.get(0).authenticated());
        assertEquals("066a34116a20580ca1828b216142478c", HEX.formatHex(answers.get(0).userSessionKey()));
        assertFalse(answers.get(1).authenticated());
        assertNull(answers.get(1).userSessionKey());
        assertTrue(answers.get(1).error().startsWith("The referenced account is currently disabled"));
        assertTrue(answers.get(2).authenticated());
        assertFalse(answers.get(0).toString().contains("066"), "the NT key never shows");
    }

    @Test
    void anAnswerWithoutAuthenticatedIsARefusalThatSaysWhatCame() {
        List<NtlmServerProtocol.Answer> answers = read("Error: Unknown request Bogus", ".");
        assertEquals(1, answers.size());
        assertFalse(answers.get(0).authenticated());
        assertNotNull(answers.get(0).error());
        assertTrue(answers.get(0).error().contains("Unknown request"), answers.get(0).error());
    }

    private static List<NtlmServerProtocol.Answer> read(String... lines) {
        NtlmServerProtocol.AnswerReader reader = new NtlmServerProtocol.AnswerReader();
        List<NtlmServerProtocol.Answer> answers = new ArrayList<>();
        for (String line : lines) {
            NtlmServerProtocol.Answer answer = reader.line(line);
            if (answer != null) {
                answers.add(answer);
            }
        }
        return answers;
    }
}
