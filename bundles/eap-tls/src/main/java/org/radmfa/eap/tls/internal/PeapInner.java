package org.radmfa.eap.tls.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.radmfa.api.AuthMethod;
import org.radmfa.api.Decision;
import org.radmfa.api.MsChapV2Credentials;
import org.radmfa.api.ReplyAttribute;

/**
 * PEAPv0 phase 2 (MS-PEAP): EAP-MSCHAPv2 inside the TLS tunnel, then the EAP-TLV Result. Inner packets travel
 * without their EAP header (Code, Identifier, Length), except EAP-TLV, which keeps it. Not thread-safe: its
 * conversation serializes the steps.
 */
final class PeapInner {
    private static final int TYPE_IDENTITY = 1;
    private static final int TYPE_MSCHAPV2 = 26;
    private static final int TYPE_TLV = 33;
    private static final int OP_CHALLENGE = 1;
    private static final int OP_RESPONSE = 2;
    private static final int OP_SUCCESS = 3;
    private static final byte[] SERVER_NAME = "radmfa".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    /** What to do with the peer's inner packet. */
    sealed interface Action {
    }

    /** Send this inner packet through the tunnel. */
    record Reply(byte[] packet) implements Action {
    }

    /** Let the pipeline check this MS-CHAPv2 response (directory, policy, MFA). */
    record Verify(String userName, MsChapV2Credentials credentials) implements Action {
    }

    /** The peer confirmed the EAP-TLV success: the final Access-Accept. */
    record Done(List<ReplyAttribute> acceptAttributes, String policyName, String userName) implements Action {
    }

    /** The conversation ends in EAP-Failure. */
    record Refused(String detail) implements Action {
    }

    private enum Stage {
        IDENTITY, CHALLENGE, SUCCESS, RESULT
    }

    private final byte[] authenticatorChallenge = new byte[16];
    private final int msChapId;
    private Stage stage = Stage.IDENTITY;
    private String identity;
    private List<ReplyAttribute> acceptAttributes = List.of();
    private String policyName;

    PeapInner(SecureRandom random) {
        random.nextBytes(authenticatorChallenge);
        msChapId = random.nextInt(256);
    }

    /** The first inner request: EAP-Request/Identity, header stripped. */
    byte[] identityRequest() {
        return new byte[] {TYPE_IDENTITY};
    }

    Action receive(byte[] inner, int identifier) {
        switch (stage) {
            case IDENTITY -> {
                if (inner.length < 1 || (inner[0] & 0xFF) != TYPE_IDENTITY) {
                    return new Refused("PEAP: the peer did not answer the inner identity request");
                }
                identity = new String(inner, 1, inner.length - 1, StandardCharsets.UTF_8);
                stage = Stage.CHALLENGE;
                return new Reply(challenge());
            }
            case CHALLENGE -> {
                // Type(0) OpCode(1) MS-CHAPv2-ID(2) MS-Length(3,4) Value-Size(5)=49 Peer-Challenge(6..21)
                // Reserved(22..29) NT-Response(30..53) Flags(54) Name(55..)
                if (inner.length < 55 || (inner[0] & 0xFF) != TYPE_MSCHAPV2 || (inner[1] & 0xFF) != OP_RESPONSE
                        || (inner[5] & 0xFF) != 49 || (inner[2] & 0xFF) != msChapId) {
                    return new Refused("PEAP: the peer's inner EAP-MSCHAPv2 response is malformed or not one");
                }
                String name = new String(inner, 55, inner.length - 55, StandardCharsets.UTF_8);
                return new Verify(name.isEmpty() ? identity : name, new MsChapV2Credentials(AuthMethod.PEAP,
                        msChapId, authenticatorChallenge, Arrays.copyOfRange(inner, 6, 22),
                        Arrays.copyOfRange(inner, 30, 54)));
            }
            case SUCCESS -> {
                if (inner.length < 2 || (inner[0] & 0xFF) != TYPE_MSCHAPV2 || (inner[1] & 0xFF) != OP_SUCCESS) {
                    return new Refused("PEAP: the peer did not acknowledge the MS-CHAPv2 success");
                }
                stage = Stage.RESULT;
                // EAP-TLV (full header): Result TLV, mandatory, Success (MS-PEAP 2.2.8.1)
                return new Reply(new byte[] {1, (byte) identifier, 0, 11, TYPE_TLV, (byte) 0x80, 0x03, 0, 2, 0, 1});
            }
            default -> {
                if (inner.length < 11 || (inner[0] & 0xFF) != 2 || (inner[4] & 0xFF) != TYPE_TLV
                        || (inner[5] & 0x3F) != 0 || inner[6] != 3 || inner[9] != 0 || inner[10] != 1) {
                    return new Refused("PEAP: the peer did not confirm the EAP-TLV success result");
                }
                return new Done(acceptAttributes, policyName, identity);
            }
        }
    }

    /** The pipeline accepted: the MS-CHAPv2 Success request, its settings kept for the final accept. */
    Action accepted(Decision decision) {
        byte[] success = null;
        List<ReplyAttribute> kept = new ArrayList<>();
        for (ReplyAttribute attribute : decision.replyAttributes()) {
            if (attribute.name().equals("MS-CHAP2-Success") && attribute.value().startsWith("0x")) {
                success = HEX.parseHex(attribute.value().substring(2));
            } else if (!attribute.name().startsWith("MS-MPPE-") && !attribute.name().startsWith("MS-CHAP")) {
                kept.add(attribute); // the tunnel's keys replace MS-CHAPv2's
            }
        }
        if (success == null) {
            return new Refused("PEAP: the directory gave no MS-CHAPv2 authenticator response");
        }
        acceptAttributes = kept;
        policyName = decision.policyName();
        stage = Stage.SUCCESS;
        // MS-CHAP2-Success is the ident octet, then "S=<40 hex digits>".
        byte[] message = Arrays.copyOfRange(success, 1, success.length);
        byte[] packet = new byte[5 + message.length];
        packet[0] = TYPE_MSCHAPV2;
        packet[1] = OP_SUCCESS;
        packet[2] = (byte) msChapId;
        packet[3] = (byte) ((packet.length - 1) >> 8);
        packet[4] = (byte) (packet.length - 1);
        System.arraycopy(message, 0, packet, 5, message.length);
        return new Reply(packet);
    }

    private byte[] challenge() {
        // Type, OpCode, MS-CHAPv2-ID, MS-Length (from OpCode on), Value-Size, Challenge, Name
        byte[] packet = new byte[1 + 4 + 1 + 16 + SERVER_NAME.length];
        packet[0] = TYPE_MSCHAPV2;
        packet[1] = OP_CHALLENGE;
        packet[2] = (byte) msChapId;
        packet[3] = (byte) ((packet.length - 1) >> 8);
        packet[4] = (byte) (packet.length - 1);
        packet[5] = 16;
        System.arraycopy(authenticatorChallenge, 0, packet, 6, 16);
        System.arraycopy(SERVER_NAME, 0, packet, 22, SERVER_NAME.length);
        return packet;
    }
}
