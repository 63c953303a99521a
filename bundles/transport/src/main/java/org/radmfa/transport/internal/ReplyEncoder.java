package org.radmfa.transport.internal;

import java.io.ByteArrayOutputStream;
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

    private final Dictionary dictionary;

    ReplyEncoder(Dictionary dictionary) {
        this.dictionary = dictionary;
    }

    byte[] encode(List<ReplyAttribute> attributes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
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
