package org.radmfa.transport.internal;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

import org.radmfa.api.ReplyAttribute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinyradius.attribute.RadiusAttribute;
import org.tinyradius.attribute.StringAttribute;
import org.tinyradius.attribute.VendorSpecificAttribute;
import org.tinyradius.dictionary.AttributeType;
import org.tinyradius.dictionary.Dictionary;

/** Encodes reply attributes named as in the dictionary; vendor attributes go inside a Vendor-Specific. */
final class ReplyEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyEncoder.class);

    private static final SecureRandom SALTS = new SecureRandom();

    private final Dictionary dictionary;

    ReplyEncoder(Dictionary dictionary) {
        this.dictionary = dictionary;
    }

    /**
     * @param secret the client's shared secret, to hide MS-MPPE keys
     * @param requestAuthenticator the Request Authenticator of the request being answered
     */
    byte[] encode(List<ReplyAttribute> attributes, byte[] secret, byte[] requestAuthenticator) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int keyNumber = 0;
        for (ReplyAttribute reply : attributes) {
            AttributeType type = dictionary.getAttributeTypeByName(reply.name());
            if (type == null) {
                LOG.warn("Reply attribute '{}' is not in the dictionary and is left out", reply.name());
                continue;
            }
            try {
                RadiusAttribute attribute = RadiusAttribute.createRadiusAttribute(dictionary, type.getVendorId(),
                        type.getTypeCode());
                setValue(attribute, reply.value());
                if (type.getVendorId() == RadiusWire.MICROSOFT && (type.getTypeCode() == RadiusWire.MS_MPPE_SEND_KEY
                        || type.getTypeCode() == RadiusWire.MS_MPPE_RECV_KEY)) {
                    attribute.setAttributeData(hideKey(attribute.getAttributeData(), secret, requestAuthenticator,
                            keyNumber++));
                }
                if (type.getVendorId() > 0) {
                    VendorSpecificAttribute vsa = new VendorSpecificAttribute(type.getVendorId());
                    vsa.setDictionary(dictionary);
                    vsa.addSubAttribute(attribute);
                    attribute = vsa;
                }
                out.writeBytes(attribute.writeAttribute());
            } catch (RuntimeException e) {
                LOG.warn("Reply attribute '{}' has a value its type cannot hold and is left out: {}", reply.name(),
                        e.getMessage());
            }
        }
        return out.toByteArray();
    }

    /**
     * RFC 2548 section 2.4.2: a salt with its high bit set, unique per key in the packet, then the key length, the
     * key and zero padding to 16 octets, each block XORed with MD5(secret + previous block), starting from
     * MD5(secret + Request Authenticator + salt).
     */
    static byte[] hideKey(byte[] key, byte[] secret, byte[] requestAuthenticator, int keyNumber) {
        byte[] salt = new byte[2];
        SALTS.nextBytes(salt);
        salt[0] = (byte) (0x80 | (salt[0] & 0x70) | (keyNumber & 0x0F));
        byte[] plain = new byte[(key.length + 1 + 15) / 16 * 16];
        plain[0] = (byte) key.length;
        System.arraycopy(key, 0, plain, 1, key.length);
        byte[] hidden = new byte[2 + plain.length];
        System.arraycopy(salt, 0, hidden, 0, 2);
        MessageDigest md5 = RadiusWire.md5();
        md5.update(secret);
        md5.update(requestAuthenticator);
        md5.update(salt);
        byte[] mask = md5.digest();
        for (int block = 0; block < plain.length; block += 16) {
            for (int i = 0; i < 16; i++) {
                hidden[2 + block + i] = (byte) (plain[block + i] ^ mask[i]);
            }
            md5.update(secret);
            md5.update(hidden, 2 + block, 16);
            mask = md5.digest();
        }
        return hidden;
    }

    private static void setValue(RadiusAttribute attribute, String value) {
        boolean octets = attribute.getClass() == RadiusAttribute.class;
        if (octets && value.startsWith("0x")) {
            attribute.setAttributeData(HexFormat.of().parseHex(value.substring(2)));
        } else if (octets || attribute instanceof StringAttribute) {
            attribute.setAttributeData(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else {
            attribute.setAttributeValue(value);
        }
        if (attribute.getAttributeData().length > 253) {
            throw new IllegalArgumentException("value longer than 253 octets");
        }
    }
}
