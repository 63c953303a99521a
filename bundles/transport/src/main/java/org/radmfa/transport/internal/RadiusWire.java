package org.radmfa.transport.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** RADIUS wire format facts (RFC 2865, 2866, 3579, 5997) and the two digests the protocol is built on. */
final class RadiusWire {
    static final int ACCESS_REQUEST = 1;
    static final int ACCESS_ACCEPT = 2;
    static final int ACCESS_REJECT = 3;
    static final int ACCOUNTING_REQUEST = 4;
    static final int ACCOUNTING_RESPONSE = 5;
    static final int ACCESS_CHALLENGE = 11;
    static final int STATUS_SERVER = 12;

    static final int HEADER_LENGTH = 20;
    private static final byte[] NO_ATTRIBUTES = new byte[0];
    private static final byte[] ZEROS = new byte[16];
    static final int MAX_LENGTH = 4096;
    static final int AUTHENTICATOR_OFFSET = 4;
    static final int AUTHENTICATOR_LENGTH = 16;

    static final int USER_NAME = 1;
    static final int USER_PASSWORD = 2;
    static final int CHAP_PASSWORD = 3;
    static final int STATE = 24;
    static final int PROXY_STATE = 33;
    static final int VENDOR_SPECIFIC = 26;
    static final int CHAP_CHALLENGE = 60;
    static final int EAP_MESSAGE = 79;
    static final int MESSAGE_AUTHENTICATOR = 80;
    static final int MESSAGE_AUTHENTICATOR_LENGTH = 18;

    static final int MICROSOFT = 311;
    static final int MS_CHAP_RESPONSE = 1;
    static final int MS_CHAP_CPW_1 = 3;
    static final int MS_CHAP_CPW_2 = 4;
    static final int MS_CHAP_NT_ENC_PW = 6;
    static final int MS_CHAP_CHALLENGE = 11;
    static final int MS_MPPE_SEND_KEY = 16;
    static final int MS_MPPE_RECV_KEY = 17;
    static final int MS_CHAP2_RESPONSE = 25;
    static final int MS_CHAP2_CPW = 27;
    static final int ARAP_PASSWORD = 70;

    /**
     * Looking a digest up by name walks the security providers each time (8 % of the reading thread, profiled):
     * each thread keeps one MD5 and one HmacMD5 instead.
     */
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    });
    private static final ThreadLocal<KeyedHmac> HMAC_MD5 = ThreadLocal.withInitial(() -> {
        try {
            return new KeyedHmac(Mac.getInstance("HmacMD5"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacMD5 is part of every Java runtime", e);
        }
    });

    /**
     * A thread's HMAC-MD5 and the key it was last set up with: a gateway's requests all use its one secret, and
     * setting the key up again for each packet cost as much as the digest.
     */
    private static final class KeyedHmac {
        final Mac mac;
        byte[] key;

        KeyedHmac(Mac mac) {
            this.mac = mac;
        }
    }

    private RadiusWire() {
    }

    /** A fresh MD5 digest, not shared: callers may hold it while calling into code that needs one too. */
    static MessageDigest md5() {
        try {
            return (MessageDigest) MD5.get().clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("MD5 of this Java runtime cannot be cloned", e);
        }
    }

    /**
     * The thread's own MD5, reset, for a digest computed without calling anything else meanwhile (no copy made, as
     * {@link #md5()} makes).
     */
    static MessageDigest threadMd5() {
        MessageDigest md5 = MD5.get();
        md5.reset();
        return md5;
    }

    /** HMAC-MD5 of {@code data}; self-contained, so the thread's one instance is safe to reuse. */
    static byte[] hmacMd5(byte[] key, byte[] data) {
        return keyedHmacMd5(key).doFinal(data);
    }

    /** The thread's HMAC-MD5, keyed with {@code key}, for a MAC computed without calling anything else meanwhile. */
    private static Mac keyedHmacMd5(byte[] key) {
        try {
            KeyedHmac keyed = HMAC_MD5.get();
            if (!Arrays.equals(keyed.key, key)) {
                keyed.key = null;
                keyed.mac.init(new SecretKeySpec(key, "HmacMD5"));
                keyed.key = key.clone();
            }
            return keyed.mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacMD5 is part of every Java runtime", e);
        }
    }

    static int length(byte[] packet) {
        return ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
    }

    /**
     * Checks the header and walks the attributes of the packet's Length octets without interpreting them. Octets
     * past Length are padding (RFC 2865 section 3): they are not checked, and {@link #withoutPadding} drops them.
     *
     * @return null when the structure is sound, otherwise why not
     */
    static DropReason checkStructure(byte[] datagram, int size) {
        if (size < HEADER_LENGTH) {
            return DropReason.TRUNCATED;
        }
        if (size > MAX_LENGTH) {
            return DropReason.TOO_LONG;
        }
        int length = length(datagram);
        // RFC 2865 section 3: a datagram shorter than its Length is discarded; octets beyond it are ignored.
        if (length < HEADER_LENGTH || length > size) {
            return DropReason.LENGTH_MISMATCH;
        }
        int offset = HEADER_LENGTH;
        while (offset < length) {
            if (offset + 2 > length) {
                return DropReason.MALFORMED_ATTRIBUTE;
            }
            int attributeLength = datagram[offset + 1] & 0xFF;
            if (attributeLength < 2 || offset + attributeLength > length) {
                return DropReason.MALFORMED_ATTRIBUTE;
            }
            offset += attributeLength;
        }
        return null;
    }

    /**
     * The packet without the padding past its Length field: the authenticators are verified over the whole array,
     * and what is decoded, cached and answered must not depend on the padding. The structure must have been checked.
     */
    static byte[] withoutPadding(byte[] datagram) {
        int length = length(datagram);
        return length == datagram.length ? datagram : Arrays.copyOf(datagram, length);
    }

    /** Offset of the first attribute of this type, or -1. The structure must have been checked. */
    static int find(byte[] packet, int type) {
        int offset = HEADER_LENGTH;
        int size = length(packet);
        while (offset < size) {
            if ((packet[offset] & 0xFF) == type) {
                return offset;
            }
            offset += packet[offset + 1] & 0xFF;
        }
        return -1;
    }

    /** The first attribute of this type as UTF-8 text, or null. The structure must have been checked. */
    static String string(byte[] packet, int type) {
        int offset = find(packet, type);
        return offset < 0 ? null : new String(packet, offset + 2, (packet[offset + 1] & 0xFF) - 2,
                StandardCharsets.UTF_8);
    }

    /** Whether a Microsoft (vendor 311) attribute of this type is present, in RFC 2865's suggested VSA format. */
    static boolean hasMicrosoft(byte[] packet, int type) {
        return !microsoftOffsets(packet, type).isEmpty();
    }

    /** The values of the Microsoft attributes of this type, in packet order. The structure must have been checked. */
    static java.util.List<byte[]> microsoftValues(byte[] packet, int type) {
        java.util.List<byte[]> values = new java.util.ArrayList<>();
        for (int sub : microsoftOffsets(packet, type)) {
            values.add(java.util.Arrays.copyOfRange(packet, sub + 2, sub + (packet[sub + 1] & 0xFF)));
        }
        return values;
    }

    /** Where the Microsoft sub-attributes of this type start. */
    static java.util.List<Integer> microsoftOffsets(byte[] packet, int type) {
        java.util.List<Integer> found = new java.util.ArrayList<>(1);
        int offset = HEADER_LENGTH;
        int size = length(packet);
        while (offset < size) {
            int attributeLength = packet[offset + 1] & 0xFF;
            if ((packet[offset] & 0xFF) == VENDOR_SPECIFIC && attributeLength >= 8
                    && ((packet[offset + 2] & 0xFF) << 24 | (packet[offset + 3] & 0xFF) << 16
                            | (packet[offset + 4] & 0xFF) << 8 | (packet[offset + 5] & 0xFF)) == MICROSOFT) {
                int sub = offset + 6;
                while (sub + 2 <= offset + attributeLength) {
                    int subLength = packet[sub + 1] & 0xFF;
                    if (subLength < 2) {
                        break;
                    }
                    if ((packet[sub] & 0xFF) == type && sub + subLength <= offset + attributeLength) {
                        found.add(sub);
                    }
                    sub += subLength;
                }
            }
            offset += attributeLength;
        }
        return found;
    }

    /**
     * Every Proxy-State attribute of the packet exactly as it arrived (type, length, value), in their order: RFC 2865
     * section 5.33 and RFC 2866 have every answer carry them back unmodified, so that a proxy in front of this server
     * can match the answer to its request. The structure must have been checked.
     */
    static byte[] proxyStates(byte[] packet) {
        int offset = HEADER_LENGTH;
        int size = length(packet);
        ByteArrayOutputStream copies = null;
        while (offset < size) {
            int attributeLength = packet[offset + 1] & 0xFF;
            if ((packet[offset] & 0xFF) == PROXY_STATE) {
                if (copies == null) {
                    copies = new ByteArrayOutputStream();
                }
                copies.write(packet, offset, attributeLength);
            }
            offset += attributeLength;
        }
        return copies == null ? NO_ATTRIBUTES : copies.toByteArray();
    }

    /**
     * Verifies a Message-Authenticator (RFC 3579 section 3.2): HMAC-MD5 over the packet with the attribute's value
     * zeroed, keyed with the shared secret. For Access-Request and Status-Server the authenticator field is taken as
     * sent.
     */
    static boolean messageAuthenticatorValid(byte[] packet, int offset, byte[] secret) {
        if ((packet[offset + 1] & 0xFF) != MESSAGE_AUTHENTICATOR_LENGTH) {
            return false;
        }
        // RFC 3579 section 3.2: the HMAC of the packet with the Message-Authenticator's value as sixteen zeros.
        Mac mac = keyedHmacMd5(secret);
        int value = offset + 2;
        int after = value + AUTHENTICATOR_LENGTH;
        mac.update(packet, 0, value);
        mac.update(ZEROS, 0, AUTHENTICATOR_LENGTH);
        mac.update(packet, after, packet.length - after);
        return sameAt(mac.doFinal(), packet, value);
    }

    /**
     * Verifies an Accounting-Request's Request Authenticator (RFC 2866 section 3): MD5 over the packet with a zero
     * authenticator, followed by the secret.
     */
    static boolean accountingAuthenticatorValid(byte[] packet, byte[] secret) {
        int after = AUTHENTICATOR_OFFSET + AUTHENTICATOR_LENGTH;
        MessageDigest md5 = threadMd5();
        md5.update(packet, 0, AUTHENTICATOR_OFFSET);
        md5.update(ZEROS, 0, AUTHENTICATOR_LENGTH);
        md5.update(packet, after, packet.length - after);
        md5.update(secret);
        return sameAt(md5.digest(), packet, AUTHENTICATOR_OFFSET);
    }

    /** Whether the sixteen octets of {@code packet} at {@code at} are {@code expected}'s, in constant time. */
    private static boolean sameAt(byte[] expected, byte[] packet, int at) {
        int difference = 0;
        for (int i = 0; i < AUTHENTICATOR_LENGTH; i++) {
            difference |= expected[i] ^ packet[at + i];
        }
        return difference == 0;
    }

    /**
     * Builds a response: Message-Authenticator first among the attributes (RFC 3579, BlastRADIUS advice), then the
     * given attribute bytes; signs it with the Message-Authenticator and the Response Authenticator.
     *
     * @param attributes encoded attributes, without a Message-Authenticator
     * @throws IllegalArgumentException when the response would exceed 4096 octets
     */
    static byte[] response(int code, int identifier, byte[] requestAuthenticator, byte[] attributes, byte[] secret) {
        return response(code, identifier, requestAuthenticator, attributes, secret, true);
    }

    /**
     * As {@link #response(int, int, byte[], byte[], byte[])}, optionally without Message-Authenticator: an
     * Accounting-Response to an Accounting-Request needs only its Response Authenticator (RFC 2866), and FreeRADIUS's
     * clients compute that Message-Authenticator over a request vector other than the one on the wire.
     */
    static byte[] response(int code, int identifier, byte[] requestAuthenticator, byte[] attributes, byte[] secret,
            boolean withMessageAuthenticator) {
        int prefix = withMessageAuthenticator ? MESSAGE_AUTHENTICATOR_LENGTH : 0;
        int length = HEADER_LENGTH + prefix + attributes.length;
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("response of " + length + " octets exceeds " + MAX_LENGTH);
        }
        byte[] packet = new byte[length];
        packet[0] = (byte) code;
        packet[1] = (byte) identifier;
        packet[2] = (byte) (length >> 8);
        packet[3] = (byte) length;
        System.arraycopy(requestAuthenticator, 0, packet, AUTHENTICATOR_OFFSET, AUTHENTICATOR_LENGTH);
        System.arraycopy(attributes, 0, packet, HEADER_LENGTH + prefix, attributes.length);
        if (withMessageAuthenticator) {
            packet[HEADER_LENGTH] = (byte) MESSAGE_AUTHENTICATOR;
            packet[HEADER_LENGTH + 1] = (byte) MESSAGE_AUTHENTICATOR_LENGTH;
            byte[] messageAuthenticator = hmacMd5(secret, packet);
            System.arraycopy(messageAuthenticator, 0, packet, HEADER_LENGTH + 2, 16);
        }
        MessageDigest md5 = threadMd5();
        md5.update(packet);
        md5.update(secret);
        System.arraycopy(md5.digest(), 0, packet, AUTHENTICATOR_OFFSET, AUTHENTICATOR_LENGTH);
        return packet;
    }
}
