package org.radmfa.proxy.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import org.radmfa.api.ReplyAttribute;
import org.radmfa.api.RequestAttribute;
import org.tinyradius.attribute.RadiusAttribute;
import org.tinyradius.attribute.StringAttribute;
import org.tinyradius.dictionary.AttributeType;
import org.tinyradius.dictionary.DefaultDictionary;
import org.tinyradius.dictionary.Dictionary;
import org.tinyradius.dictionary.DictionaryParser;
import org.tinyradius.dictionary.MemoryDictionary;

/**
 * Attribute values between the appliance's named form ({@link RequestAttribute}, {@link ReplyAttribute}) and their
 * octets, with the same dictionary as the transport (a copy of its files), so that what the proxy names the
 * transport encodes back to the very same octets. A value that would not survive the round trip travels under its
 * raw name ({@code Attr-N}, {@code Vendor-V-Attr-N}) as hex.
 */
final class AttributeCodec {
    private static final HexFormat HEX = HexFormat.of();

    private final Dictionary dictionary;

    AttributeCodec(Dictionary dictionary) {
        this.dictionary = dictionary;
    }

    static AttributeCodec load() {
        MemoryDictionary dictionary = new MemoryDictionary();
        try (InputStream standard = DefaultDictionary.class.getResourceAsStream("default_dictionary");
                InputStream rfc2866 = AttributeCodec.class.getResourceAsStream("dictionary.rfc2866");
                InputStream tunnel = AttributeCodec.class.getResourceAsStream("dictionary.tunnel");
                InputStream microsoft = AttributeCodec.class.getResourceAsStream("dictionary.microsoft");
                InputStream vendors = AttributeCodec.class.getResourceAsStream("dictionary.vendors")) {
            DictionaryParser.parseDictionary(standard, dictionary);
            DictionaryParser.parseDictionary(rfc2866, dictionary);
            DictionaryParser.parseDictionary(tunnel, dictionary);
            DictionaryParser.parseDictionary(microsoft, dictionary);
            DictionaryParser.parseDictionary(vendors, dictionary);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the RADIUS dictionaries shipped in the bundle do not load", e);
        }
        return new AttributeCodec(dictionary);
    }

    private AttributeType type(int vendorId, int type) {
        return dictionary.getAttributeTypeByCode(vendorId == 0 ? -1 : vendorId, type);
    }

    /** The octets of a decoded request attribute, as the transport decoded them from the client's request. */
    byte[] encode(RequestAttribute attribute) {
        String value = attribute.value();
        AttributeType known = type(attribute.vendorId(), attribute.type());
        boolean hex = value.startsWith("0x") && value.length() % 2 == 0;
        if (known == null || known.getAttributeClass() == RadiusAttribute.class) {
            return hex ? HEX.parseHex(value, 2, value.length()) : value.getBytes(StandardCharsets.UTF_8);
        }
        if (known.getAttributeClass() == StringAttribute.class) {
            return value.getBytes(StandardCharsets.UTF_8);
        }
        try {
            RadiusAttribute typed = RadiusAttribute.createRadiusAttribute(dictionary,
                    attribute.vendorId() == 0 ? -1 : attribute.vendorId(), attribute.type());
            typed.setAttributeValue(value);
            return typed.getAttributeData();
        } catch (RuntimeException e) {
            // The transport renders what its type cannot parse as hex.
            if (hex) {
                return HEX.parseHex(value, 2, value.length());
            }
            throw new IllegalArgumentException("'" + value + "' is not a value of " + attribute.name(), e);
        }
    }

    /** A remote answer's attribute, named and rendered so that the transport's encoder gives back these octets. */
    ReplyAttribute decode(int vendorId, int type, byte[] data) {
        AttributeType known = type(vendorId, type);
        if (known != null) {
            String name = known.getName();
            Class<?> kind = known.getAttributeClass();
            if (kind == RadiusAttribute.class) {
                return new ReplyAttribute(name, "0x" + HEX.formatHex(data));
            }
            if (kind == StringAttribute.class) {
                String text = strictUtf8(data);
                if (text != null && !text.isEmpty()) {
                    return new ReplyAttribute(name, text);
                }
            } else {
                String rendered = typedValue(vendorId, type, data);
                if (rendered != null) {
                    return new ReplyAttribute(name, rendered);
                }
            }
        }
        return new ReplyAttribute(rawName(vendorId, type), "0x" + HEX.formatHex(data));
    }

    /** Integer, address and the like: rendered by the dictionary, if parsing the rendering gives the same octets. */
    private String typedValue(int vendorId, int type, byte[] data) {
        try {
            int vendor = vendorId == 0 ? -1 : vendorId;
            RadiusAttribute attribute = RadiusAttribute.createRadiusAttribute(dictionary, vendor, type);
            attribute.setAttributeData(data);
            String rendered = attribute.getAttributeValue();
            RadiusAttribute back = RadiusAttribute.createRadiusAttribute(dictionary, vendor, type);
            back.setAttributeValue(rendered);
            return Arrays.equals(back.getAttributeData(), data) ? rendered : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String rawName(int vendorId, int type) {
        return vendorId == 0 ? "Attr-" + type : "Vendor-" + vendorId + "-Attr-" + type;
    }

    private static String strictUtf8(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
