package org.radmfa.transport.internal;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ChapCredentials;
import org.radmfa.api.Credentials;
import org.radmfa.api.MsChapV2Credentials;
import org.radmfa.api.MsChapV2PasswordChange;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.RequestAttribute;
import org.tinyradius.attribute.IntegerAttribute;
import org.tinyradius.attribute.IpAttribute;
import org.tinyradius.attribute.RadiusAttribute;
import org.tinyradius.attribute.StringAttribute;
import org.tinyradius.dictionary.AttributeType;
import org.tinyradius.dictionary.Dictionary;
import org.tinyradius.util.RadiusException;

/**
 * Turns a verified Access-Request into the engine's {@link AuthenticationRequest}, and an Accounting-Request into its
 * {@link AccountingRecord}: one pass over the datagram's attributes, named and typed by TinyRadius's dictionary and
 * formatted as TinyRadius's attribute classes format them, User-Password un-hidden; the credentials never enter the
 * attribute list. TinyRadius's packet classes are not used: they made an object by reflection per attribute and
 * a list per lookup, and never returned from a Vendor-Specific with a sub-attribute of length 0.
 */
final class RequestDecoder {

    /**
     * The outcome: a request, an EAP conversation step, a well-formed request in an authentication method this
     * server does not offer (to be rejected, never dropped), or why the datagram is dropped.
     */
    record Result(AuthenticationRequest request, EapContext eap, Unsupported unsupported, DropReason drop) {
        static Result dropped(DropReason reason) {
            return new Result(null, null, null, reason);
        }
    }

    /** A well-formed Access-Request whose credentials are of a method not offered, e.g. MS-CHAP v1. */
    record Unsupported(String userName, String method) {
    }

    /**
     * An Access-Request that carries EAP (RFC 3579): the reassembled EAP packet, the State it echoes (null on the
     * first round), and what an {@link AuthenticationRequest} needs once the EAP method yields credentials. The user
     * name is null only for an EAP-Start without User-Name, which is answered with an EAP-Request/Identity.
     */
    record EapContext(String id, RadiusClient client, InetSocketAddress source, String userName, byte[] eapMessage,
            byte[] state, List<RequestAttribute> attributes) {
    }

    /** The vendor of a standard attribute, as TinyRadius has it (-1), apart from any 32-bit Vendor-Id. */
    private static final long STANDARD = -1L << 32;
    private static final HexFormat HEX = HexFormat.of();

    private final Dictionary dictionary;
    /** The dictionary's standard attribute types by code, looked up for every attribute of every request. */
    private final AttributeType[] standardTypes = new AttributeType[256];

    RequestDecoder(Dictionary dictionary) {
        this.dictionary = dictionary;
        for (int code = 1; code < standardTypes.length; code++) {
            standardTypes[code] = dictionary.getAttributeTypeByCode(-1, code);
        }
    }

    /** Decodes an Accounting-Request whose Request Authenticator has been verified. */
    AccountingRecord decodeAccounting(String id, byte[] packet, RadiusClient client, InetSocketAddress source) {
        Walk walk = walk(packet, false);
        return new AccountingRecord(id, client.name(), source, walk.attributes, Instant.now());
    }

    Result decode(String id, byte[] packet, RadiusClient client, InetSocketAddress source) {
        String unsupported = AuthProtocols.unsupported(packet);
        if (unsupported != null) {
            String userName = RadiusWire.string(packet, RadiusWire.USER_NAME);
            return userName == null || userName.isEmpty() ? Result.dropped(DropReason.NO_USER_NAME)
                    : new Result(null, null, new Unsupported(userName, unsupported), null);
        }
        boolean passwordChange = isPasswordChange(packet);
        Walk walk = walk(packet, passwordChange);
        if (!walk.credentialsDecode(packet)) {
            return Result.dropped(DropReason.UNDECODABLE);
        }
        String userName = walk.userNameValue;
        if (userName == null || userName.isEmpty()) {
            if (isEapStart(walk)) {
                // RFC 3579 section 2.1: the NAS has not seen the peer's identity yet; the answer asks for it.
                return new Result(null, new EapContext(id, client, source, null, new byte[0], null, walk.attributes),
                        null, null);
            }
            return Result.dropped(DropReason.NO_USER_NAME);
        }
        if (walk.eap != null) {
            if (walk.state.count > 1) {
                return Result.dropped(DropReason.UNDECODABLE);
            }
            return new Result(null, new EapContext(id, client, source, userName, walk.eap.toByteArray(),
                    walk.state.count == 0 ? null : walk.state.value(packet), walk.attributes), null, null);
        }
        Credentials credentials = passwordChange ? passwordChange(packet) : credentials(packet, walk, client);
        if (credentials == null) {
            return Result.dropped(DropReason.NO_CREDENTIALS);
        }
        return new Result(new AuthenticationRequest(id, client, source, userName, credentials, walk.attributes,
                Instant.now()), null, null, null);
    }

    /** An EAP-Start: one empty EAP-Message (RFC 3579 section 2.1), no State. */
    private static boolean isEapStart(Walk walk) {
        return walk.eap != null && walk.eap.size() == 0 && walk.state.count == 0;
    }

    /** PAP first, then MS-CHAPv2, then CHAP, as before; null when the request's credentials are malformed. */
    private static Credentials credentials(byte[] packet, Walk walk, RadiusClient client) {
        if (walk.userPassword.count == 1) {
            return pap(packet, walk.userPassword, client.secret().bytes());
        }
        Credentials msChap = walk.msChapChallenge.count == 1 && walk.msChapResponse.count == 1
                ? msChapV2(walk.msChapChallenge.value(packet), walk.msChapResponse.value(packet)) : null;
        return msChap != null ? msChap : chap(packet, walk);
    }

    /** Where an attribute that may appear once was found, and how often. */
    private static final class Occurrence {
        int count;
        int offset;

        void found(int at) {
            if (count++ == 0) {
                offset = at;
            }
        }

        byte[] value(byte[] packet) {
            return Arrays.copyOfRange(packet, offset + 2, offset + (packet[offset + 1] & 0xFF));
        }
    }

    /** What one pass over a request's attributes found: what policies see, and where the credentials are. */
    private static final class Walk {
        final List<RequestAttribute> attributes = new ArrayList<>(8);
        final Occurrence userName = new Occurrence();
        final Occurrence userPassword = new Occurrence();
        final Occurrence chapPassword = new Occurrence();
        final Occurrence chapChallenge = new Occurrence();
        final Occurrence state = new Occurrence();
        final Occurrence msChapChallenge = new Occurrence();
        final Occurrence msChapResponse = new Occurrence();
        /** The first User-Name's value as policies see it (TinyRadius's User-Name is text). */
        String userNameValue;
        ByteArrayOutputStream eap;

        /**
         * As TinyRadius decodes an Access-Request: one User-Name and at most one of each credential attribute, and
         * credentials of a method it knows.
         */
        boolean credentialsDecode(byte[] packet) {
            if (userPassword.count == 1 && !papSizeValid(packet[userPassword.offset + 1] & 0xFF)) {
                return false;
            }
            if (userName.count > 1 || userPassword.count > 1 || chapPassword.count > 1 || chapChallenge.count > 1
                    || msChapChallenge.count > 1 || msChapResponse.count > 1) {
                return false;
            }
            return userPassword.count == 1 || chapPassword.count == 1
                    || (msChapChallenge.count == 1 && msChapResponse.count == 1) || eap != null;
        }
    }

    /**
     * One pass over the attributes (the datagram's structure has been checked). An attribute whose value does not
     * decode as the dictionary types it (an integer that is not four octets, a Vendor-Specific whose sub-attributes do
     * not fit it) is left out: RFC 2865 and RFC 6929 section 2.8 have unknown and invalid attributes ignored, not the
     * packet thrown away. Values are named and formatted as TinyRadius's attribute classes do, without an object per
     * attribute.
     *
     * @param passwordChange whether MS-CHAP2-CPW stands in for MS-CHAP2-Response
     */
    private Walk walk(byte[] packet, boolean passwordChange) {
        Walk walk = new Walk();
        int size = RadiusWire.length(packet);
        for (int offset = RadiusWire.HEADER_LENGTH; offset < size; offset += packet[offset + 1] & 0xFF) {
            int type = packet[offset] & 0xFF;
            int length = packet[offset + 1] & 0xFF;
            switch (type) {
                case RadiusWire.VENDOR_SPECIFIC -> vendorSpecific(packet, offset, length, passwordChange, walk);
                case RadiusWire.USER_PASSWORD -> walk.userPassword.found(offset);
                case RadiusWire.CHAP_PASSWORD -> walk.chapPassword.found(offset);
                case RadiusWire.MESSAGE_AUTHENTICATOR -> {
                }
                case RadiusWire.EAP_MESSAGE -> {
                    // RFC 3579 section 3.1: the EAP packet is the EAP-Message attributes concatenated, in order.
                    if (walk.eap == null) {
                        walk.eap = new ByteArrayOutputStream();
                    }
                    walk.eap.write(packet, offset + 2, length - 2);
                }
                default -> {
                    RequestAttribute attribute = describe(STANDARD, type, packet, offset, length);
                    if (attribute == null) {
                        continue;
                    }
                    if (type == RadiusWire.USER_NAME) {
                        if (walk.userName.count == 0) {
                            walk.userNameValue = attribute.value();
                        }
                        walk.userName.found(offset);
                    } else if (type == RadiusWire.CHAP_CHALLENGE) {
                        walk.chapChallenge.found(offset);
                    } else if (type == RadiusWire.STATE) {
                        walk.state.found(offset);
                    }
                    walk.attributes.add(attribute);
                }
            }
        }
        return walk;
    }

    /**
     * A Vendor-Specific attribute in RFC 2865's suggested format (Vendor-Id, then sub-attributes that fill it
     * exactly); left out whole when it is not one or a sub-attribute does not decode, as TinyRadius does.
     */
    private void vendorSpecific(byte[] packet, int offset, int length, boolean passwordChange, Walk walk) {
        int end = offset + length;
        if (length < 6) {
            return;
        }
        int vendorId = (packet[offset + 2] & 0xFF) << 24 | (packet[offset + 3] & 0xFF) << 16
                | (packet[offset + 4] & 0xFF) << 8 | (packet[offset + 5] & 0xFF);
        List<RequestAttribute> described = new ArrayList<>(2);
        for (int sub = offset + 6; sub < end; sub += packet[sub + 1] & 0xFF) {
            if (sub + 2 > end || (packet[sub + 1] & 0xFF) < 2 || sub + (packet[sub + 1] & 0xFF) > end) {
                return;
            }
            int type = packet[sub] & 0xFF;
            if (vendorId == RadiusWire.MICROSOFT && isCredential(type)) {
                if (!decodes(dictionary.getAttributeTypeByCode(vendorId, type), vendorId, type, packet, sub)) {
                    return;
                }
                continue;
            }
            RequestAttribute attribute = describe(vendorId, type, packet, sub, packet[sub + 1] & 0xFF);
            if (attribute == null) {
                return;
            }
            described.add(attribute);
        }
        walk.attributes.addAll(described);
        if (vendorId == RadiusWire.MICROSOFT) {
            for (int sub = offset + 6; sub < end; sub += packet[sub + 1] & 0xFF) {
                int type = packet[sub] & 0xFF;
                if (type == RadiusWire.MS_CHAP_CHALLENGE) {
                    walk.msChapChallenge.found(sub);
                } else if (type == RadiusWire.MS_CHAP2_RESPONSE
                        || (passwordChange && type == RadiusWire.MS_CHAP2_CPW)) {
                    walk.msChapResponse.found(sub);
                }
            }
        }
    }

    /** Credentials are not attributes for policies: they never leave the decoder as such. */
    private static boolean isCredential(int microsoftType) {
        return microsoftType == RadiusWire.MS_CHAP_CHALLENGE || microsoftType == RadiusWire.MS_CHAP2_RESPONSE
                || microsoftType == RadiusWire.MS_CHAP2_CPW || microsoftType == RadiusWire.MS_CHAP_NT_ENC_PW;
    }

    /**
     * The attribute as policies see it, named by the dictionary (Attr-&lt;type&gt; or
     * Vendor-&lt;id&gt;-Attr-&lt;type&gt; when it has no name) and its value as text; null when the value does not
     * decode as its type.
     *
     * @param vendorId {@link #STANDARD} for a standard attribute
     * @param offset where the attribute (or sub-attribute) starts, at its type octet
     */
    private RequestAttribute describe(long vendorId, int type, byte[] packet, int offset, int length) {
        AttributeType attributeType = vendorId == STANDARD ? standardTypes[type]
                : dictionary.getAttributeTypeByCode((int) vendorId, type);
        Class<?> valueClass = valueClass(attributeType);
        int from = offset + 2;
        int size = length - 2;
        String value;
        if (valueClass == StringAttribute.class) {
            value = new String(packet, from, size, StandardCharsets.UTF_8);
        } else if (valueClass == RadiusAttribute.class) {
            value = hex(packet, from, size);
        } else if (refusesSize(valueClass, size)) {
            return null;
        } else if (valueClass == IntegerAttribute.class) {
            int number = (packet[from] & 0xFF) << 24 | (packet[from + 1] & 0xFF) << 16
                    | (packet[from + 2] & 0xFF) << 8 | (packet[from + 3] & 0xFF);
            String named = attributeType.getEnumeration(number);
            value = named != null ? named : Long.toString(number & 0xFFFFFFFFL);
        } else if (valueClass == IpAttribute.class) {
            value = (packet[from] & 0xFF) + "." + (packet[from + 1] & 0xFF) + "." + (packet[from + 2] & 0xFF) + "."
                    + (packet[from + 3] & 0xFF);
        } else {
            value = rareValue(vendorId == STANDARD ? -1 : (int) vendorId, type, packet, offset, length);
            if (value == null) {
                return null;
            }
        }
        int vendor = vendorId == STANDARD ? 0 : (int) vendorId;
        String name = attributeType != null ? attributeType.getName()
                : (vendor == 0 ? "Attr-" + type : "Vendor-" + vendor + "-Attr-" + type);
        return new RequestAttribute(vendor, type, name, value);
    }

    /** The TinyRadius class of the type's values; octets for a type the dictionary does not know. */
    private static Class<?> valueClass(AttributeType attributeType) {
        return attributeType == null ? RadiusAttribute.class : attributeType.getAttributeClass();
    }

    /** TinyRadius's integer and IPv4 attributes refuse a value that is not four octets; text and octets take any. */
    private static boolean refusesSize(Class<?> valueClass, int size) {
        return (valueClass == IntegerAttribute.class || valueClass == IpAttribute.class) && size != 4;
    }

    /** Whether a sub-attribute that is not described decodes as its type, for the whole Vendor-Specific's sake. */
    private boolean decodes(AttributeType attributeType, int vendorId, int type, byte[] packet, int offset) {
        Class<?> valueClass = valueClass(attributeType);
        int length = packet[offset + 1] & 0xFF;
        if (valueClass == RadiusAttribute.class || valueClass == StringAttribute.class
                || valueClass == IntegerAttribute.class || valueClass == IpAttribute.class) {
            return !refusesSize(valueClass, length - 2);
        }
        return rareValue(vendorId, type, packet, offset, length) != null;
    }

    /**
     * A value of a type without a fast path here (IPv6 address or prefix, a class a dictionary names): TinyRadius's
     * own class decodes and formats it. Null when it does not decode.
     */
    private String rareValue(int vendorId, int type, byte[] packet, int offset, int length) {
        RadiusAttribute attribute = RadiusAttribute.createRadiusAttribute(dictionary, vendorId, type);
        try {
            attribute.readAttribute(packet, offset, length);
        } catch (RadiusException | RuntimeException e) {
            return null;
        }
        try {
            return attribute.getAttributeValue();
        } catch (RuntimeException e) {
            return hex(packet, offset + 2, length - 2);
        }
    }

    /** Octets as TinyRadius shows them: 0x and two lower-case hex digits per octet. */
    private static String hex(byte[] packet, int from, int size) {
        return "0x" + HEX.formatHex(packet, from, from + size);
    }

    /**
     * RFC 2865 section 5.2: the password is hidden in 16-octet blocks, each XORed with MD5(secret + the previous
     * hidden block), the first with MD5(secret + Request Authenticator); padded with zeros.
     */
    private static Credentials pap(byte[] packet, Occurrence userPassword, byte[] secret) {
        int from = userPassword.offset + 2;
        int size = (packet[userPassword.offset + 1] & 0xFF) - 2;
        byte[] plain = new byte[size];
        MessageDigest md5 = RadiusWire.threadMd5();
        for (int block = 0; block < size; block += 16) {
            md5.update(secret);
            if (block == 0) {
                md5.update(packet, RadiusWire.AUTHENTICATOR_OFFSET, RadiusWire.AUTHENTICATOR_LENGTH);
            } else {
                md5.update(packet, from + block - 16, 16);
            }
            byte[] mask = md5.digest();
            for (int i = 0; i < 16; i++) {
                plain[block + i] = (byte) (packet[from + block + i] ^ mask[i]);
            }
        }
        int length = size;
        while (length > 0 && plain[length - 1] == 0) {
            length--;
        }
        String password = new String(plain, 0, length, StandardCharsets.UTF_8);
        Arrays.fill(plain, (byte) 0);
        return new PapCredentials(password);
    }

    /** RFC 2865 section 5.2: one to eight blocks of 16 octets (TinyRadius refuses fewer than 16, or a broken block). */
    private static boolean papSizeValid(int attributeLength) {
        int size = attributeLength - 2;
        return size >= 16 && size % 16 == 0;
    }

    /** CHAP-Password (ident and 16-octet response) with CHAP-Challenge, or the Request Authenticator without one. */
    private static Credentials chap(byte[] packet, Walk walk) {
        if (walk.chapPassword.count != 1) {
            return null;
        }
        byte[] data = walk.chapPassword.value(packet);
        if (data.length != 17) {
            return null;
        }
        byte[] challenge = walk.chapChallenge.count == 1 ? walk.chapChallenge.value(packet)
                : Arrays.copyOfRange(packet, RadiusWire.AUTHENTICATOR_OFFSET,
                        RadiusWire.AUTHENTICATOR_OFFSET + RadiusWire.AUTHENTICATOR_LENGTH);
        return new ChapCredentials(data[0] & 0xFF, Arrays.copyOfRange(data, 1, 17), challenge);
    }

    /**
     * MS-CHAP-Challenge plus MS-CHAP2-Response (RFC 2548 sections 2.3.2 and 2.3.3): ident, flags, peer challenge,
     * eight reserved octets, NT-Response. Null when absent or malformed.
     */
    private static Credentials msChapV2(byte[] challenge, byte[] response) {
        if (challenge.length != 16 || response.length != 50) {
            return null;
        }
        return new MsChapV2Credentials(AuthMethod.MSCHAPV2, response[0] & 0xFF, challenge,
                Arrays.copyOfRange(response, 2, 18), Arrays.copyOfRange(response, 26, 50));
    }

    /** Whether the request is an MS-CHAPv2 password change (MS-CHAP2-CPW, RFC 2548 section 2.3.5). */
    static boolean isPasswordChange(byte[] packet) {
        return RadiusWire.hasMicrosoft(packet, RadiusWire.MS_CHAP2_CPW)
                && !RadiusWire.hasMicrosoft(packet, RadiusWire.MS_CHAP2_RESPONSE);
    }

    /**
     * The password change after an "E=648 R=1" error, read from the datagram: MS-CHAP-Challenge; MS-CHAP2-CPW with
     * Code 7, Ident, Encrypted-Hash (16), Peer-Challenge (16), 8 reserved, NT-Response (24), Flags (2); and the
     * MS-CHAP-NT-Enc-PW fragments (Code 6, Ident, Sequence-Number from 1, a piece), 516 octets in sequence order.
     * Null when malformed.
     */
    static Credentials passwordChange(byte[] packet) {
        List<byte[]> challenges = RadiusWire.microsoftValues(packet, RadiusWire.MS_CHAP_CHALLENGE);
        List<byte[]> cpws = RadiusWire.microsoftValues(packet, RadiusWire.MS_CHAP2_CPW);
        java.util.SortedMap<Integer, byte[]> fragments = new java.util.TreeMap<>();
        for (byte[] fragment : RadiusWire.microsoftValues(packet, RadiusWire.MS_CHAP_NT_ENC_PW)) {
            if (fragment.length <= 4 || fragment[0] != 6 || fragments.put(((fragment[2] & 0xFF) << 8)
                    | (fragment[3] & 0xFF), Arrays.copyOfRange(fragment, 4, fragment.length)) != null) {
                return null;
            }
        }
        if (challenges.size() != 1 || challenges.get(0).length != 16 || cpws.size() != 1) {
            return null;
        }
        byte[] cpw = cpws.get(0);
        if (cpw.length != 68 || cpw[0] != 7 || fragments.isEmpty() || fragments.firstKey() != 1
                || fragments.lastKey() != fragments.size()) {
            return null;
        }
        ByteArrayOutputStream encryptedPassword = new ByteArrayOutputStream();
        fragments.values().forEach(encryptedPassword::writeBytes);
        if (encryptedPassword.size() != 516) {
            return null;
        }
        MsChapV2Credentials response = new MsChapV2Credentials(AuthMethod.MSCHAPV2, cpw[1] & 0xFF, challenges.get(0),
                Arrays.copyOfRange(cpw, 18, 34), Arrays.copyOfRange(cpw, 42, 66));
        return new MsChapV2PasswordChange(response, encryptedPassword.toByteArray(), Arrays.copyOfRange(cpw, 2, 18));
    }
}
