package org.radmfa.transport.internal;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern RAW_NAME = Pattern.compile("(?:Vendor-(\\d{1,8})-)?Attr-(\\d{1,3})");

    /**
     * Attributes whose values differ from one answer to the next (correlation, challenge state, MS-CHAP and EAP
     * answers): not worth remembering. Keys hidden with the request's authenticator are never remembered.
     */
    private static final Set<String> PER_REQUEST = Set.of("Class", "State", "MS-CHAP2-Success", "MS-CHAP-Error",
            "EAP-Message");
    /** Distinct policy reply attributes, with room to spare; beyond it they are encoded afresh each time. */
    private static final int MAX_REMEMBERED = 4096;

    private final Dictionary dictionary;
    /** A policy's reply attributes are the same for every accept: encoded once (TinyRadius works by reflection). */
    private final Map<ReplyAttribute, byte[]> encoded = new ConcurrentHashMap<>();

    ReplyEncoder(Dictionary dictionary) {
        this.dictionary = dictionary;
    }

    /**
     * @param secret the client's shared secret, to hide MS-MPPE keys
     * @param requestAuthenticator the Request Authenticator of the request being answered
     */
    byte[] encode(List<ReplyAttribute> attributes, byte[] secret, byte[] requestAuthenticator) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        int keyNumber = 0;
        for (ReplyAttribute reply : attributes) {
            byte[] known = encoded.get(reply);
            if (known != null) {
                out.writeBytes(known);
                continue;
            }
            AttributeType type = resolve(reply.name());
            if (type == null) {
                LOG.warn("Reply attribute '{}' is not in the dictionary and is left out", reply.name());
                continue;
            }
            try {
                byte[] bytes;
                boolean hidden = false;
                if (type.getVendorId() <= 0 && (type.getAttributeClass() == RadiusAttribute.class
                        || type.getAttributeClass() == StringAttribute.class)) {
                    bytes = standardTextOrOctets(type, reply.value());
                } else {
                    RadiusAttribute attribute = create(type, reply.value());
                    hidden = type.getVendorId() == RadiusWire.MICROSOFT
                            && (type.getTypeCode() == RadiusWire.MS_MPPE_SEND_KEY
                                    || type.getTypeCode() == RadiusWire.MS_MPPE_RECV_KEY);
                    if (hidden) {
                        attribute.setAttributeData(hideKey(attribute.getAttributeData(), secret,
                                requestAuthenticator, keyNumber++));
                    }
                    bytes = wrap(type, attribute).writeAttribute();
                }
                if (!hidden && !PER_REQUEST.contains(reply.name()) && encoded.size() < MAX_REMEMBERED) {
                    encoded.put(reply, bytes);
                }
                out.writeBytes(bytes);
            } catch (RuntimeException e) {
                LOG.warn("Reply attribute '{}' has a value its type cannot hold and is left out: {}", reply.name(),
                        e.getMessage());
            }
        }
        return out.toByteArray();
    }

    /**
     * A standard attribute of text or octets, as TinyRadius writes it (octets may be given as 0x and hex), without
     * its attribute object made by reflection: Class and State, new for every answer, are of these types.
     */
    private static byte[] standardTextOrOctets(AttributeType type, String value) {
        byte[] data = checkedLength(textOrOctets(type.getAttributeClass() == RadiusAttribute.class, value));
        byte[] bytes = new byte[data.length + 2];
        bytes[0] = (byte) type.getTypeCode();
        bytes[1] = (byte) bytes.length;
        System.arraycopy(data, 0, bytes, 2, data.length);
        return bytes;
    }

    /** Why this attribute cannot be sent with this value, or null if it can. For checking configuration early. */
    String problem(String name, String value) {
        AttributeType type = resolve(name);
        if (type == null) {
            return "'" + name + "' is not in the dictionary (for another vendor's attribute write"
                    + " Vendor-<vendor id>-Attr-<type>)";
        }
        try {
            wrap(type, create(type, value)).writeAttribute();
            return null;
        } catch (RuntimeException e) {
            return "'" + value + "' is not a valid value for " + name + ": " + e.getMessage();
        }
    }

    /** A dictionary name, or Attr-&lt;type&gt; / Vendor-&lt;id&gt;-Attr-&lt;type&gt; for attributes it lacks. */
    private AttributeType resolve(String name) {
        AttributeType known = dictionary.getAttributeTypeByName(name);
        if (known != null) {
            return known;
        }
        Matcher raw = RAW_NAME.matcher(name);
        if (!raw.matches()) {
            return null;
        }
        int vendor = raw.group(1) == null ? -1 : Integer.parseInt(raw.group(1));
        int code = Integer.parseInt(raw.group(2));
        if (code < 1 || code > 255 || (vendor < 0 && code == RadiusWire.VENDOR_SPECIFIC)) {
            return null;
        }
        return vendor < 0 ? new AttributeType(code, name, RadiusAttribute.class)
                : new AttributeType(vendor, code, name, RadiusAttribute.class);
    }

    private RadiusAttribute create(AttributeType type, String value) {
        RadiusAttribute attribute = type.getAttributeClass() == RadiusAttribute.class
                && dictionary.getAttributeTypeByName(type.getName()) == null
                        ? new RadiusAttribute(type.getTypeCode(), new byte[0])
                        : RadiusAttribute.createRadiusAttribute(dictionary, type.getVendorId(), type.getTypeCode());
        if (type.getVendorId() > 0) {
            attribute.setVendorId(type.getVendorId());
        }
        setValue(attribute, value);
        return attribute;
    }

    private RadiusAttribute wrap(AttributeType type, RadiusAttribute attribute) {
        if (type.getVendorId() <= 0) {
            return attribute;
        }
        VendorSpecificAttribute vsa = new VendorSpecificAttribute(type.getVendorId());
        vsa.setDictionary(dictionary);
        vsa.addSubAttribute(attribute);
        return vsa;
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
        if (octets || attribute instanceof StringAttribute) {
            attribute.setAttributeData(textOrOctets(octets, value));
        } else {
            attribute.setAttributeValue(value);
        }
        checkedLength(attribute.getAttributeData());
    }

    /** Text as UTF-8; octets as 0x and hex, or else as UTF-8 too. */
    private static byte[] textOrOctets(boolean octets, String value) {
        return octets && value.startsWith("0x") ? HexFormat.of().parseHex(value.substring(2))
                : value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] checkedLength(byte[] data) {
        if (data.length > 253) {
            throw new IllegalArgumentException("value longer than 253 octets");
        }
        return data;
    }
}
