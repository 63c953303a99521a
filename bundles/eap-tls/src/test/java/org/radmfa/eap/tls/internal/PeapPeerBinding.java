package org.radmfa.eap.tls.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The peer's side of PEAPv0 crypto binding ([MS-PEAP] 3.1.5.5), written apart from {@link PeapCryptoBinding} and
 * from the peer's own key material: what wpa_supplicant with {@code crypto_binding=1} or {@code 2} does. It checks
 * the server's Binding Request, answers with a Binding Response over the same nonce, and derives the MSK both sides
 * then use.
 */
final class PeapPeerBinding {
    private final byte[] ipmk;
    private final byte[] cmk;

    /**
     * @param tunnelKey the peer's TLS key material ("client EAP encryption")
     * @param isk the inner EAP-MSCHAPv2 MSK: the server's MS-MPPE-Recv-Key, then its MS-MPPE-Send-Key
     */
    PeapPeerBinding(byte[] tunnelKey, byte[] isk) {
        byte[] keys = prfPlus(Arrays.copyOf(tunnelKey, 40), "Inner Methods Compound Keys", isk, 60);
        ipmk = Arrays.copyOf(keys, 40);
        cmk = Arrays.copyOfRange(keys, 40, 60);
    }

    /** Whether the server's Crypto-Binding TLV (header included) is a Binding Request with a valid MAC. */
    boolean requestVerifies(byte[] tlv) {
        return tlv.length == 60 && tlv[1] == 12 && tlv[7] == 0
                && MessageDigest.isEqual(mac(tlv), Arrays.copyOfRange(tlv, 40, 60));
    }

    /** The Binding Response to this Binding Request: Sub-Type 1, the same nonce, the peer's Compound MAC. */
    byte[] response(byte[] requestTlv) {
        byte[] tlv = Arrays.copyOf(requestTlv, 60);
        tlv[7] = 1;
        Arrays.fill(tlv, 40, 60, (byte) 0);
        System.arraycopy(mac(tlv), 0, tlv, 40, 20);
        return tlv;
    }

    /** The MSK of a bound login: the first 64 octets of PRF+(IPMK, "Session Key Generating Function" | 0x00). */
    byte[] msk() {
        return Arrays.copyOf(prfPlus(ipmk, "Session Key Generating Function", new byte[] {0}, 128), 64);
    }

    /** HMAC-SHA1(CMK, the TLV with its Compound MAC zeroed | EAP type 25). */
    private byte[] mac(byte[] tlv) {
        byte[] input = Arrays.copyOf(tlv, 61);
        Arrays.fill(input, 40, 60, (byte) 0);
        input[60] = 25;
        return hmac(cmk, input);
    }

    /** PEAPv0's PRF+: T(n) = HMAC-SHA1(K, T(n-1) | label | seed | n | 0x00 0x00). */
    private static byte[] prfPlus(byte[] key, String label, byte[] seed, int length) {
        byte[] out = new byte[length];
        byte[] previous = new byte[0];
        for (int n = 1; (n - 1) * 20 < length; n++) {
            byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
            byte[] input = new byte[previous.length + labelBytes.length + seed.length + 3];
            System.arraycopy(previous, 0, input, 0, previous.length);
            System.arraycopy(labelBytes, 0, input, previous.length, labelBytes.length);
            System.arraycopy(seed, 0, input, previous.length + labelBytes.length, seed.length);
            input[input.length - 3] = (byte) n;
            previous = hmac(key, input);
            System.arraycopy(previous, 0, out, (n - 1) * 20, Math.min(20, length - (n - 1) * 20));
        }
        return out;
    }

    private static byte[] hmac(byte[] key, byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(input);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
