package org.radmfa.bench.eap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The peer's side of PEAPv0 with EAP-MSCHAPv2 inside ([MS-PEAP], as wpa_supplicant's peapver=0): the TLS handshake of
 * {@link EapTlsPeer} without a client certificate, then the inner conversation through the tunnel. Inner packets
 * travel without their EAP header (Code, Identifier, Length), except EAP-TLV (type 33), which keeps it. It answers
 * the server's Result TLV with Success and leaves a Crypto-Binding TLV unanswered, as a peer that does not do crypto
 * binding does (wpa_supplicant's crypto_binding=0, older Windows): both servers then keep the tunnel's keys, the MSK
 * of EAP-TLS.
 */
final class PeapPeer extends EapTlsPeer {
    static final int TYPE = 25;
    private static final int TYPE_IDENTITY = 1;
    private static final int TYPE_TLV = 33;
    private static final int TLV_RESULT = 3;
    private static final int RESULT_SUCCESS = 1;

    private final byte[] user;
    private final MsChapV2Peer inner;
    private boolean resultConfirmed;

    PeapPeer(Identity serverTrust, String user, MsChapV2Peer inner) {
        super(serverTrust);
        this.user = user.getBytes(StandardCharsets.UTF_8);
        this.inner = inner;
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    protected void afterInput() throws IOException, GeneralSecurityException {
        int available = tls.getAvailableInputBytes();
        if (available == 0) {
            return;
        }
        byte[] packet = new byte[available];
        tls.readInput(packet, 0, available);
        byte[] reply = answer(packet);
        tls.writeApplicationData(reply, 0, reply.length);
    }

    private byte[] answer(byte[] packet) throws IOException, GeneralSecurityException {
        if (packet.length >= 5 && packet[0] == 1 && (packet[4] & 0xFF) == TYPE_TLV
                && ((packet[2] & 0xFF) << 8 | (packet[3] & 0xFF)) == packet.length) {
            return result(packet);
        }
        int type = packet.length > 0 ? packet[0] & 0xFF : -1;
        if (type == TYPE_IDENTITY) {
            return withType(TYPE_IDENTITY, user);
        }
        if (type == MsChapV2Peer.TYPE) {
            return withType(MsChapV2Peer.TYPE, inner.respond(Arrays.copyOfRange(packet, 1, packet.length)));
        }
        throw new IOException("an inner packet a PEAP peer with EAP-MSCHAPv2 does not expect: type " + type);
    }

    /** The server's EAP-TLV: its Result TLV must say Success; the answer is a Result TLV saying Success too. */
    private byte[] result(byte[] packet) throws IOException {
        boolean success = false;
        for (int at = 5; at + 4 <= packet.length; ) {
            int tlvType = (packet[at] & 0x3F) << 8 | (packet[at + 1] & 0xFF);
            int length = (packet[at + 2] & 0xFF) << 8 | (packet[at + 3] & 0xFF);
            if (tlvType == TLV_RESULT && length == 2 && at + 6 <= packet.length) {
                success = ((packet[at + 4] & 0xFF) << 8 | (packet[at + 5] & 0xFF)) == RESULT_SUCCESS;
            }
            at += 4 + length;
        }
        if (!success) {
            throw new IOException("the server's EAP-TLV Result is not Success");
        }
        resultConfirmed = true;
        return new byte[] {2, packet[1], 0, 11, TYPE_TLV, (byte) 0x80, TLV_RESULT, 0, 2, 0, RESULT_SUCCESS};
    }

    private static byte[] withType(int type, byte[] data) {
        byte[] packet = new byte[1 + data.length];
        packet[0] = (byte) type;
        System.arraycopy(data, 0, packet, 1, data.length);
        return packet;
    }

    /** The tunnel's keys, once the inner method succeeded and the Result was confirmed. */
    @Override
    public byte[] expectedKeys() throws GeneralSecurityException {
        if (!resultConfirmed) {
            throw new GeneralSecurityException("no keys before the inner method and the Result TLV succeeded");
        }
        inner.expectedKeys(); // the inner MS-CHAP-V2 must have checked the server's authenticator response
        return super.expectedKeys();
    }
}
