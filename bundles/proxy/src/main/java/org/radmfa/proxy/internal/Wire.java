package org.radmfa.proxy.internal;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The RADIUS computations a client of another server needs (RFC 2865, 2866, 2548, 3579, 5997): hiding a password,
 * signing a request, verifying an answer's Response Authenticator and Message-Authenticator, un-hiding MPPE keys.
 */
final class Wire {
    static final int ACCESS_REQUEST = 1;
    static final int ACCESS_ACCEPT = 2;
    static final int ACCESS_REJECT = 3;
    static final int ACCOUNTING_REQUEST = 4;
    static final int ACCOUNTING_RESPONSE = 5;
    static final int ACCESS_CHALLENGE = 11;
    static final int STATUS_SERVER = 12;

    static final int HEADER_LENGTH = 20;
    static final int MAX_LENGTH = 4096;
    static final int AUTHENTICATOR_OFFSET = 4;

    static final int USER_NAME = 1;
    static final int USER_PASSWORD = 2;
    static final int CHAP_PASSWORD = 3;
    static final int STATE = 24;
    static final int VENDOR_SPECIFIC = 26;
    static final int PROXY_STATE = 33;
    static final int CHAP_CHALLENGE = 60;
    static final int EAP_MESSAGE = 79;
    static final int MESSAGE_AUTHENTICATOR = 80;

    static final int MICROSOFT = 311;
    static final int MS_CHAP_CHALLENGE = 11;
    static final int MS_MPPE_SEND_KEY = 16;
    static final int MS_MPPE_RECV_KEY = 17;
    static final int MS_CHAP2_RESPONSE = 25;

    private Wire() {
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    static byte[] hmacMd5(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(key, "HmacMD5"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacMD5 is part of every Java runtime", e);
        }
    }

    /** One attribute's bytes: type, length, value. */
    static void attribute(ByteArrayOutputStream out, int type, byte[] value) {
        if (value.length > 253) {
            throw new IllegalArgumentException("attribute " + type + " longer than 253 octets");
        }
        out.write(type);
        out.write(value.length + 2);
        out.writeBytes(value);
    }

    /** A vendor attribute inside its own Vendor-Specific (RFC 2865 section 5.26, one sub-attribute each). */
    static void vendorAttribute(ByteArrayOutputStream out, int vendorId, int type, byte[] value) {
        if (value.length > 247) {
            throw new IllegalArgumentException("vendor " + vendorId + " attribute " + type + " longer than 247 octets");
        }
        out.write(VENDOR_SPECIFIC);
        out.write(value.length + 8);
        out.write(vendorId >>> 24);
        out.write(vendorId >>> 16);
        out.write(vendorId >>> 8);
        out.write(vendorId);
        out.write(type);
        out.write(value.length + 2);
        out.writeBytes(value);
    }

    /** RFC 2865 section 5.2: the password padded to 16 octets, each block XORed with MD5(secret + previous). */
    static byte[] hidePassword(byte[] password, byte[] secret, byte[] requestAuthenticator) {
        int length = Math.max(16, (password.length + 15) / 16 * 16);
        if (length > 128) {
            throw new IllegalArgumentException("a User-Password is at most 128 octets");
        }
        byte[] hidden = Arrays.copyOf(password, length);
        byte[] previous = requestAuthenticator;
        for (int block = 0; block < length; block += 16) {
            MessageDigest md5 = md5();
            md5.update(secret);
            md5.update(previous);
            byte[] mask = md5.digest();
            for (int i = 0; i < 16; i++) {
                hidden[block + i] ^= mask[i];
            }
            previous = Arrays.copyOfRange(hidden, block, block + 16);
        }
        return hidden;
    }

    /**
     * RFC 2548 section 2.4.2, reversed: the salt, then blocks XORed with MD5(secret + Request Authenticator + salt)
     * and MD5(secret + previous cipher block); the first plain octet is the key's length.
     *
     * @throws IllegalArgumentException when the value is not a well-formed hidden key
     */
    static byte[] unhideKey(byte[] hidden, byte[] secret, byte[] requestAuthenticator) {
        if (hidden.length < 18 || (hidden.length - 2) % 16 != 0 || (hidden[0] & 0x80) == 0) {
            throw new IllegalArgumentException("not a salted MPPE key");
        }
        byte[] plain = new byte[hidden.length - 2];
        MessageDigest md5 = md5();
        md5.update(secret);
        md5.update(requestAuthenticator);
        md5.update(hidden, 0, 2);
        byte[] mask = md5.digest();
        for (int block = 0; block < plain.length; block += 16) {
            for (int i = 0; i < 16; i++) {
                plain[block + i] = (byte) (hidden[2 + block + i] ^ mask[i]);
            }
            md5.update(secret);
            md5.update(hidden, 2 + block, 16);
            mask = md5.digest();
        }
        int keyLength = plain[0] & 0xFF;
        if (keyLength == 0 || keyLength > plain.length - 1) {
            throw new IllegalArgumentException("the hidden key's length does not fit (wrong secret?)");
        }
        return Arrays.copyOfRange(plain, 1, 1 + keyLength);
    }

    /**
     * Assembles a request: header, then a zeroed Message-Authenticator first when asked (RFC 3579, BlastRADIUS
     * advice), then the attributes; signs the Message-Authenticator over it.
     *
     * @param authenticator the Request Authenticator (random for Access-Request and Status-Server), or null for an
     *     Accounting-Request, whose authenticator is computed over the packet (RFC 2866)
     */
    static byte[] request(int code, int identifier, byte[] authenticator, byte[] attributes, byte[] secret,
            boolean messageAuthenticator) {
        int prefix = messageAuthenticator ? 18 : 0;
        int length = HEADER_LENGTH + prefix + attributes.length;
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("request of " + length + " octets exceeds " + MAX_LENGTH);
        }
        byte[] packet = new byte[length];
        packet[0] = (byte) code;
        packet[1] = (byte) identifier;
        packet[2] = (byte) (length >> 8);
        packet[3] = (byte) length;
        if (authenticator != null) {
            System.arraycopy(authenticator, 0, packet, AUTHENTICATOR_OFFSET, 16);
        }
        System.arraycopy(attributes, 0, packet, HEADER_LENGTH + prefix, attributes.length);
        if (messageAuthenticator) {
            packet[HEADER_LENGTH] = (byte) MESSAGE_AUTHENTICATOR;
            packet[HEADER_LENGTH + 1] = 18;
            System.arraycopy(hmacMd5(secret, packet), 0, packet, HEADER_LENGTH + 2, 16);
        }
        if (authenticator == null) {
            MessageDigest md5 = md5();
            md5.update(packet);
            md5.update(secret);
            System.arraycopy(md5.digest(), 0, packet, AUTHENTICATOR_OFFSET, 16);
        }
        return packet;
    }

    static byte[] authenticator(byte[] packet) {
        return Arrays.copyOfRange(packet, AUTHENTICATOR_OFFSET, AUTHENTICATOR_OFFSET + 16);
    }

    /** Checks the header and that the attributes tile the packet exactly; null when sound, else why not. */
    static String structureProblem(byte[] packet, int size) {
        if (size < HEADER_LENGTH) {
            return "shorter than a RADIUS header";
        }
        int length = ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
        if (length < HEADER_LENGTH || length > size || length > MAX_LENGTH) {
            return "length field " + length + " does not fit the " + size + " octets received";
        }
        int offset = HEADER_LENGTH;
        while (offset < length) {
            if (offset + 2 > length || (packet[offset + 1] & 0xFF) < 2
                    || offset + (packet[offset + 1] & 0xFF) > length) {
                return "malformed attribute at offset " + offset;
            }
            offset += packet[offset + 1] & 0xFF;
        }
        return null;
    }

    /**
     * Verifies an answer (RFC 2865 section 3, RFC 3579 section 3.2): its Response Authenticator is MD5 over the
     * answer with our Request Authenticator in place, followed by the secret; a Message-Authenticator, when there,
     * is HMAC-MD5 over the same with its own value zeroed.
     *
     * @param requireMessageAuthenticator whether an answer without one fails
     * @return null when the answer is authentic, else why not
     */
    static String answerProblem(byte[] answer, byte[] requestAuthenticator, byte[] secret,
            boolean requireMessageAuthenticator) {
        byte[] copy = answer.clone();
        System.arraycopy(requestAuthenticator, 0, copy, AUTHENTICATOR_OFFSET, 16);
        MessageDigest md5 = md5();
        md5.update(copy);
        md5.update(secret);
        if (!MessageDigest.isEqual(md5.digest(), authenticator(answer))) {
            return "wrong Response Authenticator";
        }
        int offset = find(answer, MESSAGE_AUTHENTICATOR);
        if (offset < 0) {
            return requireMessageAuthenticator ? "no Message-Authenticator" : null;
        }
        if ((answer[offset + 1] & 0xFF) != 18) {
            return "malformed Message-Authenticator";
        }
        byte[] received = Arrays.copyOfRange(answer, offset + 2, offset + 18);
        Arrays.fill(copy, offset + 2, offset + 18, (byte) 0);
        return MessageDigest.isEqual(hmacMd5(secret, copy), received) ? null : "wrong Message-Authenticator";
    }

    /** Offset of the first attribute of this type, or -1; the structure must have been checked. */
    static int find(byte[] packet, int type) {
        int length = ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
        for (int offset = HEADER_LENGTH; offset < length; offset += packet[offset + 1] & 0xFF) {
            if ((packet[offset] & 0xFF) == type) {
                return offset;
            }
        }
        return -1;
    }

    static String codeName(int code) {
        return switch (code) {
            case ACCESS_ACCEPT -> "Access-Accept";
            case ACCESS_REJECT -> "Access-Reject";
            case ACCESS_CHALLENGE -> "Access-Challenge";
            case ACCOUNTING_RESPONSE -> "Accounting-Response";
            default -> "code " + code;
        };
    }
}
