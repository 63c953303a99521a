package org.radmfa.bench.eap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The benchmark's MS-CHAP-V2 peer against the worked examples of RFC 2759 section 9.2 and RFC 3079 section 3.5.3. */
class MsChapV2PeerTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] AUTHENTICATOR_CHALLENGE = HEX.parseHex("5b5d7c7d7b3f2f3e3c2c602132262628");
    private static final byte[] PEER_CHALLENGE = HEX.parseHex("21402324255e262a28295f2b3a337c7e");

    @Test
    void answersTheRfcChallengeWithTheRfcNtResponseAndKnowsTheRfcKeys() throws Exception {
        MsChapV2Peer peer = new MsChapV2Peer("User", "clientPass", fixed(PEER_CHALLENGE));
        byte[] response = peer.respond(challenge());

        assertArrayEquals(PEER_CHALLENGE, Arrays.copyOfRange(response, 5, 21));
        assertArrayEquals(HEX.parseHex("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df"),
                Arrays.copyOfRange(response, 29, 53));
        assertArrayEquals("User".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(response, 54, 58));

        assertArrayEquals(new byte[] {3}, peer.respond(success("S=407A5589115FD0D6209F510FE9C04566932CDA56")));
        // RFC 3079 3.5.3: the server's send key (SendStartKey128) is the second half, the peer's receive key.
        assertArrayEquals(HEX.parseHex("8b7cdc149b993a1ba118cb153f56dccb"),
                Arrays.copyOfRange(peer.expectedKeys(), 16, 32));
    }

    @Test
    void refusesAWrongAuthenticatorResponse() throws Exception {
        MsChapV2Peer peer = new MsChapV2Peer("User", "clientPass", fixed(PEER_CHALLENGE));
        peer.respond(challenge());
        assertThrows(GeneralSecurityException.class,
                () -> peer.respond(success("S=407A5589115FD0D6209F510FE9C04566932CDA57")));
        assertThrows(GeneralSecurityException.class, peer::expectedKeys);
    }

    private static byte[] challenge() {
        byte[] packet = new byte[21];
        packet[0] = 1; // Challenge
        packet[1] = 7;
        packet[3] = 21;
        packet[4] = 16;
        System.arraycopy(AUTHENTICATOR_CHALLENGE, 0, packet, 5, 16);
        return packet;
    }

    private static byte[] success(String message) {
        byte[] text = message.getBytes(StandardCharsets.US_ASCII);
        byte[] packet = new byte[4 + text.length];
        packet[0] = 3; // Success
        packet[1] = 7;
        packet[3] = (byte) packet.length;
        System.arraycopy(text, 0, packet, 4, text.length);
        return packet;
    }

    private static SecureRandom fixed(byte[] bytes) {
        return new SecureRandom() {
            @Override
            public void nextBytes(byte[] out) {
                System.arraycopy(bytes, 0, out, 0, out.length);
            }
        };
    }
}
