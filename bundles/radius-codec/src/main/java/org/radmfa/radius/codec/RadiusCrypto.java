package org.radmfa.radius.codec;

import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a client computes with its shared secret: User-Password hiding (RFC 2865 section 5.2), the
 * Message-Authenticator (RFC 3579 section 3.2), the check of a response's Response Authenticator (RFC 2865 section 3)
 * and Message-Authenticator, and the MS-MPPE key unhiding of RFC 2548 section 2.4.2.
 *
 * <p>The methods that take a packet and offsets work in place on the caller's buffer and allocate nothing, which is
 * what a load generator needs; the others are conveniences for tests. One instance per thread: it holds one MD5 and
 * one HMAC-MD5 engine. The secret is never printed.
 */
public final class RadiusCrypto {
    /** RFC 2865 section 3: no packet is longer. */
    public static final int MAX_PACKET_LENGTH = 4096;
    static final int HEADER_LENGTH = 20;
    static final int AUTHENTICATOR_LENGTH = 16;

    private final byte[] secret;
    private final MessageDigest md5;
    private final Mac hmac;
    private final byte[] digest = new byte[16];
    private final byte[] mac = new byte[16];
    private final byte[] scratch = new byte[MAX_PACKET_LENGTH];

    public RadiusCrypto(byte[] secret) {
        this.secret = secret.clone();
        try {
            this.md5 = MessageDigest.getInstance("MD5");
            this.hmac = Mac.getInstance("HmacMD5");
            // HMAC pads its key with zeros, so an empty secret is the key {0} (SecretKeySpec refuses an empty key).
            hmac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacMD5"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 and HmacMD5 are part of every Java runtime", e);
        }
    }

    /** The padded length of a hidden User-Password: a multiple of 16 octets, at least 16 (RFC 2865 section 5.2). */
    public static int hiddenLength(int passwordLength) {
        return Math.max(16, (passwordLength + 15) / 16 * 16);
    }

    /**
     * Hides {@code password} into {@code packet[valueOffset, valueOffset + hiddenLength)}:
     * c(1) = p(1) xor MD5(S + RA), c(i) = p(i) xor MD5(S + c(i-1)), p padded with zeros.
     *
     * @param authenticatorOffset where the Request Authenticator (RA) is, 4 in a packet
     */
    public void hideUserPassword(byte[] password, byte[] packet, int authenticatorOffset, int valueOffset,
            int hiddenLength) {
        if (hiddenLength % 16 != 0 || hiddenLength < password.length || hiddenLength == 0 || hiddenLength > 128) {
            throw new IllegalArgumentException("a hidden User-Password is 16 to 128 octets, a multiple of 16");
        }
        int previous = authenticatorOffset;
        for (int block = 0; block < hiddenLength; block += 16) {
            md5.update(secret);
            md5.update(packet, previous, 16);
            finishMd5();
            int at = valueOffset + block;
            for (int i = 0; i < 16; i++) {
                int k = block + i;
                packet[at + i] = (byte) ((k < password.length ? password[k] : 0) ^ digest[i]);
            }
            previous = at;
        }
    }

    /** The hidden form of {@code password} for a request with this Request Authenticator. */
    public byte[] hideUserPassword(byte[] password, byte[] requestAuthenticator) {
        byte[] hidden = new byte[hiddenLength(password.length)];
        byte[] both = new byte[16 + hidden.length];
        System.arraycopy(requestAuthenticator(requestAuthenticator), 0, both, 0, 16);
        hideUserPassword(password, both, 0, 16, hidden.length);
        System.arraycopy(both, 16, hidden, 0, hidden.length);
        return hidden;
    }

    /** The reverse of {@link #hideUserPassword(byte[], byte[])}, trailing zero padding removed (what a server does). */
    public byte[] unhideUserPassword(byte[] hidden, byte[] requestAuthenticator) {
        if (hidden.length == 0 || hidden.length % 16 != 0 || hidden.length > 128) {
            throw new IllegalArgumentException("a hidden User-Password is 16 to 128 octets, a multiple of 16");
        }
        requestAuthenticator(requestAuthenticator);
        byte[] plain = new byte[hidden.length];
        for (int block = 0; block < hidden.length; block += 16) {
            md5.update(secret);
            if (block == 0) {
                md5.update(requestAuthenticator);
            } else {
                md5.update(hidden, block - 16, 16);
            }
            finishMd5();
            for (int i = 0; i < 16; i++) {
                plain[block + i] = (byte) (hidden[block + i] ^ digest[i]);
            }
        }
        int end = plain.length;
        while (end > 0 && plain[end - 1] == 0) {
            end--;
        }
        return Arrays.copyOf(plain, end);
    }

    /**
     * Writes the Message-Authenticator whose 16-octet value starts at {@code valueOffset}: HMAC-MD5 keyed with the
     * secret over the packet with that value zeroed (for a request, with its own Request Authenticator in place).
     */
    public void signMessageAuthenticator(byte[] packet, int length, int valueOffset) {
        Arrays.fill(packet, valueOffset, valueOffset + 16, (byte) 0);
        hmac.update(packet, 0, length);
        finishHmac(packet, valueOffset);
    }

    /**
     * Checks a response to a request with this Request Authenticator: its structure (every attribute inside the
     * Length, at most one Message-Authenticator of 16 octets), its Response Authenticator, MD5(Code + Identifier +
     * Length + Request Authenticator + Attributes + Secret), and, when present, its Message-Authenticator, computed
     * over the response with the Request Authenticator in place of the Response Authenticator. Allocates nothing.
     *
     * @param received how many octets of {@code packet} the datagram filled; octets beyond the Length field are
     *        padding (RFC 2865 section 3)
     */
    public Verification verifyResponse(byte[] packet, int received, byte[] requestAuthenticator) {
        if (received < HEADER_LENGTH || received > packet.length) {
            return Verification.MALFORMED;
        }
        int length = RadiusPacket.lengthField(packet);
        if (length < HEADER_LENGTH || length > received || length > MAX_PACKET_LENGTH) {
            return Verification.MALFORMED;
        }
        int messageAuthenticator = -1;
        int at = HEADER_LENGTH;
        while (at + 2 <= length) {
            int attributeLength = packet[at + 1] & 0xFF;
            if (attributeLength < 2 || at + attributeLength > length) {
                return Verification.MALFORMED;
            }
            if ((packet[at] & 0xFF) == AttributeType.MESSAGE_AUTHENTICATOR) {
                if (attributeLength != 18 || messageAuthenticator >= 0) {
                    return Verification.MALFORMED;
                }
                messageAuthenticator = at + 2;
            }
            at += attributeLength;
        }
        if (at != length) {
            return Verification.MALFORMED;
        }
        md5.update(packet, 0, 4);
        md5.update(requestAuthenticator, 0, 16);
        md5.update(packet, HEADER_LENGTH, length - HEADER_LENGTH);
        md5.update(secret);
        finishMd5();
        if (!equal16(digest, 0, packet, 4)) {
            return Verification.BAD_RESPONSE_AUTHENTICATOR;
        }
        if (messageAuthenticator < 0) {
            return Verification.VALID_WITHOUT_MESSAGE_AUTHENTICATOR;
        }
        System.arraycopy(packet, 0, scratch, 0, length);
        System.arraycopy(requestAuthenticator, 0, scratch, 4, 16);
        Arrays.fill(scratch, messageAuthenticator, messageAuthenticator + 16, (byte) 0);
        hmac.update(scratch, 0, length);
        finishHmac(mac, 0);
        return equal16(mac, 0, packet, messageAuthenticator) ? Verification.VALID_WITH_MESSAGE_AUTHENTICATOR
                : Verification.BAD_MESSAGE_AUTHENTICATOR;
    }

    /**
     * The key hidden in an MS-MPPE-Send-Key or MS-MPPE-Recv-Key value (RFC 2548 section 2.4.2): Salt (2 octets), then
     * the key's length, the key and padding, hidden like a User-Password with Request Authenticator + Salt first.
     */
    public byte[] unhideMppeKey(byte[] hidden, byte[] requestAuthenticator) {
        if (hidden.length < 18 || (hidden.length - 2) % 16 != 0) {
            throw new IllegalArgumentException("an MS-MPPE key value is a 2-octet salt and blocks of 16 octets");
        }
        byte[] plain = new byte[hidden.length - 2];
        md5.update(secret);
        md5.update(requestAuthenticator(requestAuthenticator));
        md5.update(hidden, 0, 2);
        finishMd5();
        for (int block = 0; block < plain.length; block += 16) {
            for (int i = 0; i < 16; i++) {
                plain[block + i] = (byte) (hidden[2 + block + i] ^ digest[i]);
            }
            md5.update(secret);
            md5.update(hidden, 2 + block, 16);
            finishMd5();
        }
        int keyLength = plain[0] & 0xFF;
        if (keyLength > plain.length - 1) {
            throw new IllegalArgumentException("the MS-MPPE key's length octet says " + keyLength
                    + ", only " + (plain.length - 1) + " octets follow");
        }
        return Arrays.copyOfRange(plain, 1, 1 + keyLength);
    }

    /** The CHAP response MD5(Identifier + password + challenge) of RFC 1994 section 4.1 (CHAP-Password's value). */
    public static byte[] chapResponse(int chapId, byte[] password, byte[] challenge) {
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            digest.update((byte) chapId);
            digest.update(password);
            digest.update(challenge);
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    /** Zeroes this copy of the secret; the instance is unusable afterwards. */
    public void destroy() {
        Arrays.fill(secret, (byte) 0);
    }

    @Override
    public String toString() {
        return "RadiusCrypto[secret of " + secret.length + " octets]";
    }

    private static byte[] requestAuthenticator(byte[] authenticator) {
        if (authenticator.length != AUTHENTICATOR_LENGTH) {
            throw new IllegalArgumentException("a Request Authenticator is 16 octets, not " + authenticator.length);
        }
        return authenticator;
    }

    private void finishMd5() {
        try {
            md5.digest(digest, 0, 16);
        } catch (DigestException e) {
            throw new IllegalStateException("a 16-octet buffer holds an MD5 digest", e);
        }
    }

    private void finishHmac(byte[] into, int offset) {
        try {
            hmac.doFinal(into, offset);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("16 octets hold an HMAC-MD5", e);
        }
    }

    /** Compares 16 octets in time independent of where they differ. */
    static boolean equal16(byte[] a, int aOffset, byte[] b, int bOffset) {
        int difference = 0;
        for (int i = 0; i < 16; i++) {
            difference |= a[aOffset + i] ^ b[bOffset + i];
        }
        return difference == 0;
    }
}
