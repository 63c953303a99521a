package org.radmfa.eap.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.radmfa.api.Decision;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;

/** PEAP's phase 2 keeps the name the pipeline checked, not the inner Identity nothing authenticates. */
class PeapInnerTest {

    @Test
    void theAcceptedLoginIsTheMsChapV2NameNotTheInnerIdentity() {
        PeapInner inner = new PeapInner(new SecureRandom(), new byte[64], PeapCryptoBinding.Policy.OPTIONAL);
        byte[] challenge = assertInstanceOf(PeapInner.Reply.class,
                inner.receive("\u0001ceo".getBytes(StandardCharsets.UTF_8), 2)).packet();
        PeapInner.Verify verify = assertInstanceOf(PeapInner.Verify.class,
                inner.receive(msChapResponse(challenge[2], "alice"), 3));
        assertEquals("alice", verify.userName());
        String success = "\u0001S=0123456789ABCDEF0123456789ABCDEF01234567";
        assertInstanceOf(PeapInner.Reply.class, inner.accepted(new Decision(Decision.Outcome.ACCEPT,
                ReasonCode.ACCEPTED, "accepted", "VPN users", List.of(new ReplyAttribute("MS-CHAP2-Success",
                        "0x" + HexFormat.of().formatHex(success.getBytes(StandardCharsets.US_ASCII)))), List.of())));
        byte[] tlv = assertInstanceOf(PeapInner.Reply.class, inner.receive(new byte[] {26, 3}, 4)).packet();

        PeapInner.Action done = inner.receive(new byte[] {2, tlv[1], 0, 11, 33, (byte) 0x80, 3, 0, 2, 0, 1}, 5);
        assertEquals("alice", assertInstanceOf(PeapInner.Done.class, done).userName());
    }

    /** EAP-MSCHAPv2 Response, header stripped; its NT-Response is the pipeline's to check. */
    static byte[] msChapResponse(byte msChapId, String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] packet = new byte[55 + nameBytes.length];
        packet[0] = 26;
        packet[1] = 2;
        packet[2] = msChapId;
        packet[3] = (byte) ((packet.length - 1) >> 8);
        packet[4] = (byte) (packet.length - 1);
        packet[5] = 49;
        System.arraycopy(nameBytes, 0, packet, 55, nameBytes.length);
        return packet;
    }
}
