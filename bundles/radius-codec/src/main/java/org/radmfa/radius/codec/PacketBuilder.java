package org.radmfa.radius.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes one request (RFC 2865 section 3): code, identifier, the caller's Request Authenticator, then attributes in
 * the order they are added. A Message-Authenticator added with {@link #addMessageAuthenticator()} is computed by
 * {@link #build(RadiusCrypto)} over the finished packet, wherever it stands (first, as BlastRADIUS advises, or last).
 *
 * <p>{@link #lastValueOffset()} tells where the last attribute's value is, so that a load generator can build a
 * template once and then rewrite the authenticator, the hidden password and the Message-Authenticator in place.
 */
public final class PacketBuilder {
    private static final int MAX_VALUE_LENGTH = 253;

    private final byte[] packet = new byte[RadiusCrypto.MAX_PACKET_LENGTH];
    private int length = RadiusCrypto.HEADER_LENGTH;
    private int lastValueOffset = -1;
    private int messageAuthenticatorOffset = -1;

    /** @param authenticator the 16-octet Request Authenticator (random for an Access-Request) */
    public PacketBuilder(int code, int identifier, byte[] authenticator) {
        if (code < 1 || code > 255 || identifier < 0 || identifier > 255) {
            throw new IllegalArgumentException("code and identifier are octets: " + code + ", " + identifier);
        }
        if (authenticator.length != RadiusCrypto.AUTHENTICATOR_LENGTH) {
            throw new IllegalArgumentException("a Request Authenticator is 16 octets, not " + authenticator.length);
        }
        packet[0] = (byte) code;
        packet[1] = (byte) identifier;
        System.arraycopy(authenticator, 0, packet, 4, 16);
    }

    /** Adds an attribute with this value (at most 253 octets). */
    public PacketBuilder add(int type, byte[] value) {
        return add(type, value, 0, value.length);
    }

    /** Adds an attribute with this text, in UTF-8. */
    public PacketBuilder add(int type, String text) {
        return add(type, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds an attribute of type integer (4 octets, network order), e.g. NAS-Port-Type. */
    public PacketBuilder addInteger(int type, int value) {
        return add(type, new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    /** Adds a Vendor-Specific attribute holding one vendor attribute (RFC 2865 section 5.26's suggested format). */
    public PacketBuilder addVendorSpecific(int vendorId, int vendorType, byte[] value) {
        if (value.length > MAX_VALUE_LENGTH - 6) {
            throw new IllegalArgumentException("vendor attribute " + vendorId + ":" + vendorType
                    + " is longer than 247 octets");
        }
        byte[] vsa = new byte[6 + value.length];
        vsa[0] = (byte) (vendorId >>> 24);
        vsa[1] = (byte) (vendorId >>> 16);
        vsa[2] = (byte) (vendorId >>> 8);
        vsa[3] = (byte) vendorId;
        vsa[4] = (byte) vendorType;
        vsa[5] = (byte) (2 + value.length);
        System.arraycopy(value, 0, vsa, 6, value.length);
        return add(AttributeType.VENDOR_SPECIFIC, vsa);
    }

    /** Adds User-Password: {@code password} (at most 128 octets) hidden with the secret and this packet's authenticator. */
    public PacketBuilder addUserPassword(byte[] password, RadiusCrypto secret) {
        if (password.length > 128) {
            throw new IllegalArgumentException("a User-Password is at most 128 octets (RFC 2865 section 5.2)");
        }
        int hidden = RadiusCrypto.hiddenLength(password.length);
        reserve(AttributeType.USER_PASSWORD, hidden);
        secret.hideUserPassword(password, packet, 4, lastValueOffset, hidden);
        return this;
    }

    /** Adds CHAP-Password: the CHAP identifier and MD5(identifier + password + challenge) (RFC 2865 section 5.3). */
    public PacketBuilder addChapPassword(int chapId, byte[] password, byte[] challenge) {
        byte[] value = new byte[17];
        value[0] = (byte) chapId;
        System.arraycopy(RadiusCrypto.chapResponse(chapId, password, challenge), 0, value, 1, 16);
        return add(AttributeType.CHAP_PASSWORD, value);
    }

    /** Adds an EAP packet as EAP-Message attributes of at most 253 octets each (RFC 3579 section 3.1). */
    public PacketBuilder addEapMessage(byte[] eap) {
        for (int offset = 0; offset < eap.length; offset += MAX_VALUE_LENGTH) {
            add(AttributeType.EAP_MESSAGE, eap, offset, Math.min(MAX_VALUE_LENGTH, eap.length - offset));
        }
        return this;
    }

    /** Adds a Message-Authenticator here; {@link #build(RadiusCrypto)} computes it (RFC 3579 section 3.2). */
    public PacketBuilder addMessageAuthenticator() {
        if (messageAuthenticatorOffset >= 0) {
            throw new IllegalStateException("a packet has at most one Message-Authenticator");
        }
        reserve(AttributeType.MESSAGE_AUTHENTICATOR, 16);
        messageAuthenticatorOffset = lastValueOffset;
        return this;
    }

    /** Where the value of the attribute added last starts in the packet. */
    public int lastValueOffset() {
        return lastValueOffset;
    }

    /** The packet, without a Message-Authenticator. */
    public byte[] build() {
        if (messageAuthenticatorOffset >= 0) {
            throw new IllegalStateException("a Message-Authenticator needs the secret: build(RadiusCrypto)");
        }
        return finish();
    }

    /** The packet, its Message-Authenticator (if one was added) computed with this secret. */
    public byte[] build(RadiusCrypto messageAuthenticatorSecret) {
        byte[] result = finish();
        if (messageAuthenticatorOffset >= 0) {
            messageAuthenticatorSecret.signMessageAuthenticator(result, result.length, messageAuthenticatorOffset);
        }
        return result;
    }

    private byte[] finish() {
        packet[2] = (byte) (length >> 8);
        packet[3] = (byte) length;
        return Arrays.copyOf(packet, length);
    }

    private PacketBuilder add(int type, byte[] value, int offset, int count) {
        reserve(type, count);
        System.arraycopy(value, offset, packet, lastValueOffset, count);
        return this;
    }

    private void reserve(int type, int valueLength) {
        if (type < 1 || type > 255) {
            throw new IllegalArgumentException("an attribute type is 1..255, not " + type);
        }
        if (valueLength > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("attribute " + type + " is longer than 253 octets");
        }
        if (length + 2 + valueLength > packet.length) {
            throw new IllegalArgumentException("the packet would be longer than 4096 octets");
        }
        packet[length] = (byte) type;
        packet[length + 1] = (byte) (2 + valueLength);
        lastValueOffset = length + 2;
        length += 2 + valueLength;
    }
}
