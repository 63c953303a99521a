package org.radmfa.proxy.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.radmfa.api.ReplyAttribute;

/**
 * A remote server's verified answer, turned into the attributes the transport sends our client: Message-Authenticator
 * and Proxy-State taken out (the transport signs anew and echoes the client's own Proxy-State), MPPE keys un-hidden
 * with the remote secret (the transport hides them again with the client's).
 *
 * @param code the answer's code
 * @param attributes what goes back to our client
 * @param state the State attribute, or null
 * @param dropped attributes that could not be passed on, for the trace
 */
record RemoteAnswer(int code, List<ReplyAttribute> attributes, byte[] state, List<String> dropped) {

    static RemoteAnswer decode(byte[] answer, byte[] secret, byte[] requestAuthenticator, AttributeCodec codec) {
        List<ReplyAttribute> attributes = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        byte[] state = null;
        int length = ((answer[2] & 0xFF) << 8) | (answer[3] & 0xFF);
        for (int offset = Wire.HEADER_LENGTH; offset < length; offset += answer[offset + 1] & 0xFF) {
            int type = answer[offset] & 0xFF;
            byte[] value = Arrays.copyOfRange(answer, offset + 2, offset + (answer[offset + 1] & 0xFF));
            if (type == Wire.MESSAGE_AUTHENTICATOR || type == Wire.PROXY_STATE) {
                continue;
            }
            if (type == Wire.STATE) {
                state = value;
            }
            if (type != Wire.VENDOR_SPECIFIC) {
                attributes.add(codec.decode(0, type, value));
                continue;
            }
            if (!vendorSpecific(value, secret, requestAuthenticator, codec, attributes)) {
                dropped.add("a Vendor-Specific attribute not in RFC 2865's recommended format ("
                        + value.length + " octets)");
            }
        }
        return new RemoteAnswer(answer[0] & 0xFF, List.copyOf(attributes), state, List.copyOf(dropped));
    }

    /** The sub-attributes of one Vendor-Specific; false when they do not tile it. */
    private static boolean vendorSpecific(byte[] value, byte[] secret, byte[] requestAuthenticator,
            AttributeCodec codec, List<ReplyAttribute> into) {
        if (value.length < 6) {
            return false;
        }
        int vendorId = ((value[0] & 0xFF) << 24) | ((value[1] & 0xFF) << 16) | ((value[2] & 0xFF) << 8)
                | (value[3] & 0xFF);
        List<ReplyAttribute> found = new ArrayList<>();
        int offset = 4;
        while (offset < value.length) {
            if (offset + 2 > value.length || (value[offset + 1] & 0xFF) < 2
                    || offset + (value[offset + 1] & 0xFF) > value.length) {
                return false;
            }
            int type = value[offset] & 0xFF;
            byte[] data = Arrays.copyOfRange(value, offset + 2, offset + (value[offset + 1] & 0xFF));
            if (vendorId == Wire.MICROSOFT && (type == Wire.MS_MPPE_SEND_KEY || type == Wire.MS_MPPE_RECV_KEY)) {
                byte[] key;
                try {
                    key = Wire.unhideKey(data, secret, requestAuthenticator);
                } catch (IllegalArgumentException e) {
                    return false;
                }
                found.add(new ReplyAttribute(type == Wire.MS_MPPE_SEND_KEY ? "MS-MPPE-Send-Key" : "MS-MPPE-Recv-Key",
                        "0x" + HexFormat.of().formatHex(key)));
            } else {
                found.add(codec.decode(vendorId, type, data));
            }
            offset += value[offset + 1] & 0xFF;
        }
        into.addAll(found);
        return true;
    }
}
