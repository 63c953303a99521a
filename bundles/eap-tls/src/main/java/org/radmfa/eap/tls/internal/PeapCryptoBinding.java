package org.radmfa.eap.tls.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * PEAPv0 crypto binding as Microsoft specifies it ([MS-PEAP] 3.1.5.5 and 2.2.8.2.x): proves that the peer who ran
 * the inner EAP-MSCHAPv2 is the one at the end of this TLS tunnel, so that a man in the middle cannot relay an inner
 * authentication into a tunnel of its own.
 * <pre>
 * TempKey   = the first 40 octets of the tunnel key (TLS-PRF "client EAP encryption")
 * IPMK|CMK  = PRF+(TempKey, "Inner Methods Compound Keys" | ISK, 60)      ISK: the inner MSK, 32 octets
 * Compound MAC = HMAC-SHA1(CMK, Crypto-Binding TLV with the MAC zeroed | 0x19)
 * CSK       = PRF+(IPMK, "Session Key Generating Function" | 0x00, 128)  its first 64 octets are the MSK
 * </pre>
 * PRF+ is PEAPv0's: T(n) = HMAC-SHA1(K, T(n-1) | label | seed | n | 0x00 | 0x00).
 */
final class PeapCryptoBinding {
    /** Configuration {@code peapCryptoBinding}: what a peer that does not answer the binding gets. */
    enum Policy {
        /** Accepted with the tunnel's keys (older Windows, wpa_supplicant's crypto_binding=0); a wrong MAC is not. */
        OPTIONAL,
        /**
         * Rejected: a peer must answer with a Crypto-Binding TLV that verifies (NPS: "Disconnect Clients without
         * Cryptobinding").
         */
        REQUIRED
    }

    /** The Crypto-Binding TLV, header included: Type 12, Length 56. */
    static final int TLV_LENGTH = 60;
    private static final int TLV_TYPE = 12;
    private static final int SUBTYPE_REQUEST = 0;
    private static final int SUBTYPE_RESPONSE = 1;
    private static final int MAC_OFFSET = 40;
    private static final byte EAP_TYPE_PEAP = 25;
    private static final byte[] IPMK_LABEL = "Inner Methods Compound Keys".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CSK_LABEL = "Session Key Generating Function".getBytes(StandardCharsets.US_ASCII);

    private final byte[] ipmk;
    private final byte[] cmk;

    /**
     * @param tunnelKey the PEAP key material (at least 40 octets)
     * @param innerKey the inner method's MSK (EAP-MSCHAPv2: the server's receive key, then its send key); zeros when
     *     the inner method has none
     */
    PeapCryptoBinding(byte[] tunnelKey, byte[] innerKey) {
        this(prfPlus(Arrays.copyOf(tunnelKey, 40), IPMK_LABEL, Arrays.copyOf(innerKey, 32), 60));
    }

    private PeapCryptoBinding(byte[] ipmkAndCmk) {
        ipmk = Arrays.copyOfRange(ipmkAndCmk, 0, 40);
        cmk = Arrays.copyOfRange(ipmkAndCmk, 40, 60);
    }

    /** Fast reconnect: no inner method ran, so IPMK|CMK are the first 60 octets of the tunnel key themselves. */
    static PeapCryptoBinding fastReconnect(byte[] tunnelKey) {
        return new PeapCryptoBinding(Arrays.copyOf(tunnelKey, 60));
    }

    /** The server's Crypto-Binding TLV: a Binding Request with this 32-octet nonce and its compound MAC. */
    byte[] request(byte[] nonce) {
        byte[] tlv = new byte[TLV_LENGTH];
        tlv[1] = TLV_TYPE;
        tlv[3] = TLV_LENGTH - 4;
        // Reserved, Version 0, Received Version 0 (PEAPv0 both ways), Sub-Type: Binding Request
        tlv[7] = SUBTYPE_REQUEST;
        System.arraycopy(nonce, 0, tlv, 8, 32);
        System.arraycopy(compoundMac(tlv), 0, tlv, MAC_OFFSET, 20);
        return tlv;
    }

    /** Whether this TLV (header included) is a Binding Response whose compound MAC verifies. */
    boolean verifies(byte[] tlv) {
        if (tlv.length != TLV_LENGTH || (tlv[0] & 0x3F) != 0 || tlv[1] != TLV_TYPE || tlv[5] != 0
                || tlv[7] != SUBTYPE_RESPONSE) {
            return false;
        }
        return MessageDigest.isEqual(compoundMac(tlv), Arrays.copyOfRange(tlv, MAC_OFFSET, MAC_OFFSET + 20));
    }

    /** The MSK of a login whose crypto binding was used: the first 64 octets of the CSK. */
    byte[] msk() {
        return Arrays.copyOf(prfPlus(ipmk, CSK_LABEL, new byte[] {0}, 128), 64);
    }

    private byte[] compoundMac(byte[] tlv) {
        byte[] input = Arrays.copyOf(tlv, TLV_LENGTH + 1);
        Arrays.fill(input, MAC_OFFSET, MAC_OFFSET + 20, (byte) 0);
        input[TLV_LENGTH] = EAP_TYPE_PEAP;
        Mac mac = hmacSha1(cmk);
        return mac.doFinal(input);
    }

    static byte[] prfPlus(byte[] key, byte[] label, byte[] seed, int length) {
        Mac mac = hmacSha1(key);
        byte[] out = new byte[length];
        byte[] previous = new byte[0];
        for (int n = 1, offset = 0; offset < length; n++) {
            mac.update(previous);
            mac.update(label);
            mac.update(seed);
            mac.update(new byte[] {(byte) n, 0, 0});
            previous = mac.doFinal();
            System.arraycopy(previous, 0, out, offset, Math.min(previous.length, length - offset));
            offset += previous.length;
        }
        return out;
    }

    private static Mac hmacSha1(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java platform", e);
        }
    }
}
