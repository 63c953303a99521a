package org.radmfa.radius.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A received packet, read: header and attributes in order, with Vendor-Specific attributes also split into their
 * vendor attributes. Decoding checks the structure only; check authenticators first with
 * {@link RadiusCrypto#verifyResponse}.
 */
public final class RadiusPacket {

    /** One attribute as it was on the wire. */
    public record Attribute(int type, byte[] value) {
        public String text() {
            return new String(value, StandardCharsets.UTF_8);
        }

        /** The vendor attributes a Vendor-Specific attribute holds; empty for another type or when they do not parse. */
        public List<VendorAttribute> vendorAttributes() {
            List<VendorAttribute> inside = new ArrayList<>();
            if (type == AttributeType.VENDOR_SPECIFIC) {
                splitVendorSpecific(value, inside);
            }
            return inside;
        }
    }

    /** One vendor attribute inside a Vendor-Specific attribute (RFC 2865 section 5.26's suggested format). */
    public record VendorAttribute(int vendorId, int type, byte[] value) {
    }

    private final byte[] bytes;
    private final List<Attribute> attributes;
    private final List<VendorAttribute> vendorAttributes;

    private RadiusPacket(byte[] bytes, List<Attribute> attributes, List<VendorAttribute> vendorAttributes) {
        this.bytes = bytes;
        this.attributes = attributes;
        this.vendorAttributes = vendorAttributes;
    }

    /**
     * Reads the packet at the start of a datagram of {@code received} octets (octets beyond its Length field are
     * padding).
     *
     * @throws MalformedPacketException when the Length field or an attribute's length does not fit
     */
    public static RadiusPacket decode(byte[] datagram, int received) throws MalformedPacketException {
        if (received < RadiusCrypto.HEADER_LENGTH || received > datagram.length) {
            throw new MalformedPacketException("a RADIUS packet has at least 20 octets, this datagram " + received);
        }
        int length = lengthField(datagram);
        if (length < RadiusCrypto.HEADER_LENGTH || length > received || length > RadiusCrypto.MAX_PACKET_LENGTH) {
            throw new MalformedPacketException("the Length field says " + length + ", the datagram has " + received
                    + " octets");
        }
        List<Attribute> attributes = new ArrayList<>();
        List<VendorAttribute> vendorAttributes = new ArrayList<>();
        int at = RadiusCrypto.HEADER_LENGTH;
        while (at < length) {
            int attributeLength = at + 1 < length ? datagram[at + 1] & 0xFF : 0;
            if (attributeLength < 2 || at + attributeLength > length) {
                throw new MalformedPacketException("malformed attribute at offset " + at);
            }
            int type = datagram[at] & 0xFF;
            byte[] value = Arrays.copyOfRange(datagram, at + 2, at + attributeLength);
            Attribute attribute = new Attribute(type, value);
            attributes.add(attribute);
            vendorAttributes.addAll(attribute.vendorAttributes());
            at += attributeLength;
        }
        return new RadiusPacket(Arrays.copyOf(datagram, length), Collections.unmodifiableList(attributes),
                Collections.unmodifiableList(vendorAttributes));
    }

    /** Vendor attributes of a well-formed Vendor-Specific value; one that does not parse is left out. */
    private static void splitVendorSpecific(byte[] value, List<VendorAttribute> into) {
        if (value.length < 6) {
            return;
        }
        int vendorId = ((value[0] & 0xFF) << 24) | ((value[1] & 0xFF) << 16) | ((value[2] & 0xFF) << 8)
                | (value[3] & 0xFF);
        List<VendorAttribute> found = new ArrayList<>();
        for (int at = 4; at < value.length;) {
            int length = at + 1 < value.length ? value[at + 1] & 0xFF : 0;
            if (length < 2 || at + length > value.length) {
                return;
            }
            found.add(new VendorAttribute(vendorId, value[at] & 0xFF, Arrays.copyOfRange(value, at + 2, at + length)));
            at += length;
        }
        into.addAll(found);
    }

    static int lengthField(byte[] packet) {
        return ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
    }

    public int code() {
        return bytes[0] & 0xFF;
    }

    public int identifier() {
        return bytes[1] & 0xFF;
    }

    public byte[] authenticator() {
        return Arrays.copyOfRange(bytes, 4, 20);
    }

    /** The packet's octets (up to its Length). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Every attribute, in order; Vendor-Specific ones as they were. */
    public List<Attribute> attributes() {
        return attributes;
    }

    /** Every vendor attribute of every well-formed Vendor-Specific attribute, in order. */
    public List<VendorAttribute> vendorAttributes() {
        return vendorAttributes;
    }

    public boolean has(int type) {
        return first(type) != null;
    }

    /** The value of the first attribute of this type, or null. */
    public byte[] first(int type) {
        for (Attribute attribute : attributes) {
            if (attribute.type() == type) {
                return attribute.value().clone();
            }
        }
        return null;
    }

    /** The values of every attribute of this type, in order, as UTF-8 text. */
    public List<String> texts(int type) {
        List<String> texts = new ArrayList<>();
        for (Attribute attribute : attributes) {
            if (attribute.type() == type) {
                texts.add(attribute.text());
            }
        }
        return texts;
    }

    /** The values of every attribute of this type joined in order (EAP-Message, RFC 3579 section 3.1), or null. */
    public byte[] joined(int type) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        boolean any = false;
        for (Attribute attribute : attributes) {
            if (attribute.type() == type) {
                joined.writeBytes(attribute.value());
                any = true;
            }
        }
        return any ? joined.toByteArray() : null;
    }

    /** The value of the first vendor attribute of this vendor and type, or null. */
    public byte[] vendor(int vendorId, int type) {
        for (VendorAttribute attribute : vendorAttributes) {
            if (attribute.vendorId() == vendorId && attribute.type() == type) {
                return attribute.value().clone();
            }
        }
        return null;
    }
}
