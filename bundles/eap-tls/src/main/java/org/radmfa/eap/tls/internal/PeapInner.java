package org.radmfa.eap.tls.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import org.radmfa.api.AuthMethod;
import org.radmfa.api.Decision;
import org.radmfa.api.MsChapV2Credentials;
import org.radmfa.api.ReasonCode;
import org.radmfa.api.ReplyAttribute;

/**
 * PEAPv0 phase 2 (MS-PEAP): EAP-MSCHAPv2 inside the TLS tunnel, then the EAP-TLV Result with a Crypto-Binding TLV
 * ({@link PeapCryptoBinding}). Inner packets travel without their EAP header (Code, Identifier, Length), except
 * EAP-TLV, which keeps it. A peer that answers the binding must prove it; one that ignores it (wpa_supplicant's
 * crypto_binding=0, older Windows) keeps the tunnel's keys, as with Microsoft's and hostapd's servers, unless the
 * binding is {@link PeapCryptoBinding.Policy#REQUIRED required}. Not thread-safe: its conversation serializes the
 * steps.
 */
final class PeapInner {
    private static final int TYPE_IDENTITY = 1;
    private static final int TYPE_MSCHAPV2 = 26;
    private static final int TYPE_TLV = 33;
    private static final int TLV_RESULT = 3;
    private static final int TLV_CRYPTO_BINDING = 12;
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

    /**
     * The peer confirmed the EAP-TLV success: the final Access-Accept for {@code userName}, the name the pipeline
     * checked (never the inner Identity, which nothing authenticates), with the MSK of the crypto binding when the
     * peer took part in it, else null (the tunnel's keys).
     */
    record Done(List<ReplyAttribute> acceptAttributes, String policyName, String userName, byte[] boundMsk)
            implements Action {
    }

    /** The conversation ends in EAP-Failure, for this reason. */
    record Refused(ReasonCode reason, String detail) implements Action {
        /** The peer broke the protocol. */
        Refused(String detail) {
            this(ReasonCode.MALFORMED_REQUEST, detail);
        }
    }

    private enum Stage {
        IDENTITY, CHALLENGE, SUCCESS, RESULT
    }

    private final byte[] authenticatorChallenge = new byte[16];
    private final int msChapId;
    private final SecureRandom random;
    private final byte[] tunnelKey;
    private final PeapCryptoBinding.Policy bindingPolicy;
    /** The inner EAP-MSCHAPv2's MSK (ISK): the server's receive key, then its send key. */
    private final byte[] innerKey = new byte[32];
    private PeapCryptoBinding binding;
    private Stage stage = Stage.IDENTITY;
    /** The inner EAP-Response/Identity: unauthenticated, only the fallback for an MS-CHAPv2 Response without a Name. */
    private String identity;
    /** The name the pipeline checks (directory, policy, MFA): kept by the accept, its log and the session cache. */
    private String userName;
    private List<ReplyAttribute> acceptAttributes = List.of();
    private String policyName;

    /**
     * @param tunnelKey the tunnel's key material, from which the crypto binding derives its keys
     * @param bindingPolicy whether a peer may leave the Crypto-Binding TLV unanswered
     */
    PeapInner(SecureRandom random, byte[] tunnelKey, PeapCryptoBinding.Policy bindingPolicy) {
        this.random = random;
        this.tunnelKey = tunnelKey.clone();
        this.bindingPolicy = Objects.requireNonNull(bindingPolicy, "bindingPolicy");
        random.nextBytes(authenticatorChallenge);
        msChapId = random.nextInt(256);
    }

    /**
     * MS-PEAP fast reconnect: the peer resumed a session whose inner login succeeded, so the inner method is skipped
     * and the first login's result is given again; the exchange starts with the EAP-TLV Result.
     */
    static PeapInner fastReconnect(SecureRandom random, byte[] tunnelKey, TlsSessionCache.Authorized first,
            PeapCryptoBinding.Policy bindingPolicy) {
        PeapInner inner = new PeapInner(random, tunnelKey, bindingPolicy);
        inner.userName = first.userName();
        inner.acceptAttributes = first.acceptAttributes();
        inner.policyName = first.policyName();
        inner.stage = Stage.RESULT;
        inner.binding = PeapCryptoBinding.fastReconnect(tunnelKey);
        return inner;
    }

    /** Fast reconnect's first packet: the EAP-TLV Result and the Crypto-Binding TLV. */
    byte[] fastReconnectResult(int identifier) {
        return resultPacket(identifier);
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
                userName = name.isEmpty() ? identity : name;
                return new Verify(userName, new MsChapV2Credentials(AuthMethod.PEAP,
                        msChapId, authenticatorChallenge, Arrays.copyOfRange(inner, 6, 22),
                        Arrays.copyOfRange(inner, 30, 54)));
            }
            case SUCCESS -> {
                if (inner.length < 2 || (inner[0] & 0xFF) != TYPE_MSCHAPV2 || (inner[1] & 0xFF) != OP_SUCCESS) {
                    return new Refused("PEAP: the peer did not acknowledge the MS-CHAPv2 success");
                }
                stage = Stage.RESULT;
                return new Reply(resultWithBinding(identifier));
            }
            default -> {
                return result(inner);
            }
        }
    }

    /** EAP-TLV (full header): the Result TLV, mandatory, Success (MS-PEAP 2.2.8.1), and the Crypto-Binding TLV. */
    private byte[] resultWithBinding(int identifier) {
        binding = new PeapCryptoBinding(tunnelKey, innerKey);
        return resultPacket(identifier);
    }

    private byte[] resultPacket(int identifier) {
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        byte[] packet = new byte[11 + PeapCryptoBinding.TLV_LENGTH];
        byte[] header = {1, (byte) identifier, 0, (byte) packet.length, TYPE_TLV, (byte) 0x80, TLV_RESULT, 0, 2, 0, 1};
        System.arraycopy(header, 0, packet, 0, header.length);
        System.arraycopy(binding.request(nonce), 0, packet, header.length, PeapCryptoBinding.TLV_LENGTH);
        return packet;
    }

    /**
     * The peer's EAP-TLV: its Result must be Success, and a Crypto-Binding TLV, when it sends one, must verify; with
     * the binding required, it must send one.
     */
    private Action result(byte[] inner) {
        if (inner.length < 5 || (inner[0] & 0xFF) != 2 || (inner[4] & 0xFF) != TYPE_TLV
                || (((inner[2] & 0xFF) << 8) | (inner[3] & 0xFF)) != inner.length) {
            return new Refused("PEAP: the peer did not answer the EAP-TLV result");
        }
        boolean success = false;
        byte[] peerBinding = null;
        for (int offset = 5; offset < inner.length;) {
            if (offset + 4 > inner.length) {
                return new Refused("PEAP: the peer's EAP-TLV ends inside a TLV header");
            }
            int type = ((inner[offset] & 0x3F) << 8) | (inner[offset + 1] & 0xFF);
            int length = ((inner[offset + 2] & 0xFF) << 8) | (inner[offset + 3] & 0xFF);
            if (offset + 4 + length > inner.length) {
                return new Refused("PEAP: a TLV of the peer runs past its EAP-TLV");
            }
            if (type == TLV_RESULT) {
                success = length == 2 && inner[offset + 4] == 0 && inner[offset + 5] == 1;
            } else if (type == TLV_CRYPTO_BINDING) {
                peerBinding = Arrays.copyOfRange(inner, offset, offset + 4 + length);
            } else if ((inner[offset] & 0x80) != 0) {
                return new Refused("PEAP: the peer sent a mandatory TLV of type " + type + ", which is not known");
            }
            offset += 4 + length;
        }
        if (!success) {
            return new Refused("PEAP: the peer did not confirm the EAP-TLV success result");
        }
        if (peerBinding == null) {
            if (bindingPolicy == PeapCryptoBinding.Policy.REQUIRED) {
                return new Refused(ReasonCode.AUTHENTICATION_FAILED, "PEAP: the peer sent no Crypto-Binding TLV and"
                        + " peapCryptoBinding = required (a peer without crypto binding, or a man in the middle who"
                        + " removed it)");
            }
            return new Done(acceptAttributes, policyName, userName, null);
        }
        if (!binding.verifies(peerBinding)) {
            // Well formed, but the proof fails: a failed authentication, not a malformed request.
            return new Refused(ReasonCode.AUTHENTICATION_FAILED, "PEAP: the peer's crypto binding does not verify (a"
                    + " tunnel relayed by a man in the middle, or a peer with other keys)");
        }
        return new Done(acceptAttributes, policyName, userName, binding.msk());
    }

    /** The pipeline accepted: the MS-CHAPv2 Success request, its settings kept for the final accept. */
    Action accepted(Decision decision) {
        byte[] success = null;
        List<ReplyAttribute> kept = new ArrayList<>();
        for (ReplyAttribute attribute : decision.replyAttributes()) {
            if (attribute.name().equals("MS-CHAP2-Success") && attribute.value().startsWith("0x")) {
                success = HEX.parseHex(attribute.value().substring(2));
            } else if (attribute.name().equals("MS-MPPE-Recv-Key") && attribute.value().startsWith("0x")) {
                innerKey(attribute.value(), 0);
            } else if (attribute.name().equals("MS-MPPE-Send-Key") && attribute.value().startsWith("0x")) {
                innerKey(attribute.value(), 16);
            } else if (!attribute.name().startsWith("MS-MPPE-") && !attribute.name().startsWith("MS-CHAP")) {
                kept.add(attribute); // the tunnel's keys replace MS-CHAPv2's
            }
        }
        if (success == null) {
            return new Refused(ReasonCode.INTERNAL_ERROR, "PEAP: the directory gave no MS-CHAPv2 authenticator"
                    + " response");
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

    private void innerKey(String hex, int offset) {
        byte[] key = HEX.parseHex(hex.substring(2));
        System.arraycopy(key, 0, innerKey, offset, Math.min(16, key.length));
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
