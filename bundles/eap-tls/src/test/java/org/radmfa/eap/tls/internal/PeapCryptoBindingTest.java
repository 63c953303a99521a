package org.radmfa.eap.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * The Crypto-Binding TLV's layout and what makes it fail. That the keys and the MAC are Microsoft's is shown by
 * wpa_supplicant, which checks them (EapTlsIT, crypto_binding=2).
 */
class PeapCryptoBindingTest {
    private static final byte[] TUNNEL_KEY = new byte[64];
    private static final byte[] INNER_KEY = new byte[32];

    static {
        Arrays.fill(TUNNEL_KEY, (byte) 0x11);
        Arrays.fill(INNER_KEY, (byte) 0x22);
    }

    /** HMAC-SHA1, written out here apart from the code under test. */
    private static byte[] hmac(byte[] key, byte[]... parts) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA1"));
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    /** A peer's Binding Response, its keys derived as [MS-PEAP] 3.1.5.5 writes them. */
    private static byte[] peerResponse(byte[] nonce) throws Exception {
        byte[] label = "Inner Methods Compound Keys".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] tempKey = Arrays.copyOf(TUNNEL_KEY, 40);
        byte[] t1 = hmac(tempKey, label, INNER_KEY, new byte[] {1, 0, 0});
        byte[] t2 = hmac(tempKey, t1, label, INNER_KEY, new byte[] {2, 0, 0});
        byte[] t3 = hmac(tempKey, t2, label, INNER_KEY, new byte[] {3, 0, 0});
        byte[] imck = new byte[60];
        System.arraycopy(t1, 0, imck, 0, 20);
        System.arraycopy(t2, 0, imck, 20, 20);
        System.arraycopy(t3, 0, imck, 40, 20);
        byte[] cmk = Arrays.copyOfRange(imck, 40, 60);
        byte[] tlv = new byte[60];
        tlv[1] = 12;
        tlv[3] = 56;
        tlv[7] = 1;
        System.arraycopy(nonce, 0, tlv, 8, 32);
        System.arraycopy(hmac(cmk, tlv, new byte[] {25}), 0, tlv, 40, 20);
        return tlv;
    }

    @Test
    void aPeersResponseMadeWithTheSameKeysVerifiesAndATamperedOneDoesNot() throws Exception {
        PeapCryptoBinding keys = new PeapCryptoBinding(TUNNEL_KEY, INNER_KEY);
        byte[] nonce = new byte[32];
        Arrays.fill(nonce, (byte) 5);
        byte[] response = peerResponse(nonce);
        assertTrue(keys.verifies(response));
        response[20] ^= 1;
        assertFalse(keys.verifies(response), "the nonce is under the MAC");
    }

    @Test
    void theRequestIsAType12TlvWithTheNonceAndAMac() {
        byte[] nonce = new byte[32];
        Arrays.fill(nonce, (byte) 7);
        byte[] tlv = new PeapCryptoBinding(TUNNEL_KEY, INNER_KEY).request(nonce);
        assertEquals(60, tlv.length);
        assertArrayEquals(new byte[] {0, 12, 0, 56, 0, 0, 0, 0}, Arrays.copyOf(tlv, 8));
        assertArrayEquals(nonce, Arrays.copyOfRange(tlv, 8, 40));
        assertFalse(Arrays.equals(new byte[20], Arrays.copyOfRange(tlv, 40, 60)), "a MAC");
    }

    @Test
    void aResponseWithTheWrongMacOrOtherKeysDoesNotVerify() {
        PeapCryptoBinding keys = new PeapCryptoBinding(TUNNEL_KEY, INNER_KEY);
        byte[] asRequest = keys.request(new byte[32]);
        assertFalse(keys.verifies(asRequest), "a request is not a response");
        asRequest[7] = 1;
        assertFalse(keys.verifies(asRequest), "the Sub-Type is under the MAC");
        PeapCryptoBinding otherInner = new PeapCryptoBinding(TUNNEL_KEY, new byte[32]);
        byte[] tlv = otherInner.request(new byte[32]);
        assertFalse(keys.verifies(tlv));
    }

    @Test
    void theBoundMskDiffersFromTheTunnelsAndFastReconnectHasKeysOfItsOwn() {
        byte[] msk = new PeapCryptoBinding(TUNNEL_KEY, INNER_KEY).msk();
        assertEquals(64, msk.length);
        assertFalse(Arrays.equals(Arrays.copyOf(TUNNEL_KEY, 64), msk));
        assertFalse(Arrays.equals(msk, PeapCryptoBinding.fastReconnect(TUNNEL_KEY).msk()));
        assertTrue(HexFormat.of().formatHex(msk).length() == 128);
    }
}
