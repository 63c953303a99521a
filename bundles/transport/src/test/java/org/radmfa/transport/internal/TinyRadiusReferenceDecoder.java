package org.radmfa.transport.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ChapCredentials;
import org.radmfa.api.Credentials;
import org.radmfa.api.MsChapV2Credentials;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.RequestAttribute;
import org.radmfa.transport.internal.RequestDecoder.EapContext;
import org.radmfa.transport.internal.RequestDecoder.Result;
import org.radmfa.transport.internal.RequestDecoder.Unsupported;
import org.tinyradius.attribute.RadiusAttribute;
import org.tinyradius.attribute.VendorSpecificAttribute;
import org.tinyradius.dictionary.Dictionary;
import org.tinyradius.packet.AccessRequest;
import org.tinyradius.packet.RadiusPacket;
import org.tinyradius.util.RadiusException;

/**
 * The request decoder as it was until TinyRadius's packet classes left the request path: TinyRadius decoded the
 * packet (and, when it refused it, the packet again without the attributes that do not decode one by one).
 * {@link RequestDecoderEquivalenceTest} holds {@link RequestDecoder} to what this made of the same datagrams.
 */
final class TinyRadiusReferenceDecoder {

    private final Dictionary dictionary;

    TinyRadiusReferenceDecoder(Dictionary dictionary) {
        this.dictionary = dictionary;
    }

    /** Decodes an Accounting-Request whose Request Authenticator has been verified; null if it does not decode. */
    AccountingRecord decodeAccounting(String id, byte[] packet, RadiusClient client, InetSocketAddress source) {
        try {
            RadiusPacket parsed = leniently(packet, client);
            return new AccountingRecord(id, client.name(), source, attributes(parsed), Instant.now());
        } catch (IOException | RadiusException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Decodes with the dictionary; if that fails, once more without the attributes that do not decode by
     * themselves (a vendor's attribute in a format other than the dictionary says, a value of the wrong length):
     * RFC 2865 and RFC 6929 section 2.8 have unknown and invalid attributes ignored, not the packet thrown away.
     */
    private RadiusPacket leniently(byte[] packet, RadiusClient client) throws IOException, RadiusException {
        try {
            return RadiusPacket.decodeRequestPacket(dictionary, new ByteArrayInputStream(packet),
                    client.secret().reveal());
        } catch (IOException | RadiusException | RuntimeException e) {
            byte[] cleaned = withoutUndecodableAttributes(packet);
            if (cleaned == null) {
                throw e;
            }
            if ((cleaned[0] & 0xFF) == RadiusWire.ACCOUNTING_REQUEST) {
                // The original's Request Authenticator was verified; TinyRadius checks it again on the copy.
                signAccountingRequest(cleaned, client.secret().bytes());
            }
            return RadiusPacket.decodeRequestPacket(dictionary, new ByteArrayInputStream(cleaned),
                    client.secret().reveal());
        }
    }

    /** The packet without the attributes the dictionary cannot decode one by one; null when every one decodes. */
    private byte[] withoutUndecodableAttributes(byte[] packet) {
        Set<Integer> undecodable = new HashSet<>();
        int size = RadiusWire.length(packet);
        for (int offset = RadiusWire.HEADER_LENGTH; offset < size; offset += packet[offset + 1] & 0xFF) {
            int type = packet[offset] & 0xFF;
            try {
                RadiusAttribute attribute = RadiusAttribute.createRadiusAttribute(dictionary, -1, type);
                attribute.readAttribute(packet, offset, packet[offset + 1] & 0xFF);
            } catch (RadiusException | RuntimeException e) {
                undecodable.add(offset);
            }
        }
        return undecodable.isEmpty() ? null : without(packet, undecodable);
    }

    Result decode(String id, byte[] packet, RadiusClient client, InetSocketAddress source) {
        try {
            return decodeChecked(id, packet, client, source);
        } catch (RuntimeException e) {
            // TinyRadius throws unchecked exceptions for what it finds malformed (e.g. two User-Name attributes).
            return Result.dropped(DropReason.UNDECODABLE);
        }
    }

    private Result decodeChecked(String id, byte[] packet, RadiusClient client, InetSocketAddress source) {
        String unsupported = AuthProtocols.unsupported(packet);
        if (unsupported != null) {
            // Decided without the dictionary: TinyRadius refuses an Access-Request without credentials it knows.
            String userName = RadiusWire.string(packet, RadiusWire.USER_NAME);
            return userName == null || userName.isEmpty() ? Result.dropped(DropReason.NO_USER_NAME)
                    : new Result(null, null, new Unsupported(userName, unsupported), null);
        }
        AccessRequest decoded;
        boolean passwordChange = RequestDecoder.isPasswordChange(packet);
        try {
            // TinyRadius decodes an Access-Request only with credentials it knows: a password change is decoded from
            // a copy that declares MS-CHAP2-CPW an MS-CHAP2-Response; its credentials are read from the datagram.
            RadiusPacket parsed = leniently(passwordChange ? relabelledMicrosoft(packet,
                    RadiusWire.MS_CHAP2_CPW, RadiusWire.MS_CHAP2_RESPONSE) : packet, client);
            if (!(parsed instanceof AccessRequest accessRequest)) {
                return Result.dropped(DropReason.UNKNOWN_CODE);
            }
            decoded = accessRequest;
        } catch (IOException | RadiusException | RuntimeException e) {
            return Result.dropped(DropReason.UNDECODABLE);
        }
        RadiusAttribute userName = decoded.getAttribute(RadiusWire.USER_NAME);
        List<?> eapParts = decoded.getAttributes(RadiusWire.EAP_MESSAGE);
        if (userName == null || userName.getAttributeData().length == 0) {
            // The one deviation from TinyRadius: an EAP-Start needs no User-Name (RFC 3579 section 2.1).
            boolean eapStart = !eapParts.isEmpty() && eapParts.stream()
                    .allMatch(part -> ((RadiusAttribute) part).getAttributeData().length == 0)
                    && decoded.getAttribute(RadiusWire.STATE) == null;
            return eapStart ? new Result(null, new EapContext(id, client, source, null, new byte[0], null,
                    attributes(decoded)), null, null) : Result.dropped(DropReason.NO_USER_NAME);
        }
        if (!eapParts.isEmpty()) {
            // RFC 3579 section 3.1: the EAP packet is the concatenation of the EAP-Message attributes, in order.
            ByteArrayOutputStream eap = new ByteArrayOutputStream();
            eapParts.forEach(part -> eap.writeBytes(((RadiusAttribute) part).getAttributeData()));
            RadiusAttribute state = decoded.getAttribute(RadiusWire.STATE);
            return new Result(null, new EapContext(id, client, source, decoded.getUserName(), eap.toByteArray(),
                    state == null ? null : state.getAttributeData(), attributes(decoded)), null, null);
        }
        Credentials credentials = passwordChange ? RequestDecoder.passwordChange(packet) : credentials(decoded);
        if (credentials == null) {
            return Result.dropped(DropReason.NO_CREDENTIALS);
        }
        return new Result(new AuthenticationRequest(id, client, source, decoded.getUserName(), credentials,
                attributes(decoded), Instant.now()), null, null, null);
    }

    private static Credentials credentials(AccessRequest request) {
        if (request.getAttribute(RadiusWire.USER_PASSWORD) != null) {
            String password = request.getUserPassword();
            return password == null ? null : new PapCredentials(password);
        }
        Credentials msChap = msChapV2(request);
        if (msChap != null) {
            return msChap;
        }
        RadiusAttribute chapPassword = request.getAttribute(RadiusWire.CHAP_PASSWORD);
        if (chapPassword != null) {
            byte[] data = chapPassword.getAttributeData();
            if (data.length != 17) {
                return null;
            }
            RadiusAttribute challenge = request.getAttribute(RadiusWire.CHAP_CHALLENGE);
            byte[] challengeBytes = challenge != null ? challenge.getAttributeData() : request.getAuthenticator();
            return new ChapCredentials(data[0] & 0xFF, Arrays.copyOfRange(data, 1, 17), challengeBytes);
        }
        return null;
    }

    /**
     * MS-CHAP-Challenge plus MS-CHAP2-Response (RFC 2548 sections 2.3.2 and 2.3.3): ident, flags, peer challenge,
     * eight reserved octets, NT-Response. Null when absent or malformed.
     */
    private static Credentials msChapV2(AccessRequest request) {
        byte[] challenge = null;
        byte[] response = null;
        for (Object item : request.getVendorAttributes(RadiusWire.MICROSOFT)) {
            VendorSpecificAttribute vsa = (VendorSpecificAttribute) item;
            for (Object sub : vsa.getSubAttributes()) {
                RadiusAttribute attribute = (RadiusAttribute) sub;
                if (attribute.getAttributeType() == RadiusWire.MS_CHAP_CHALLENGE) {
                    challenge = attribute.getAttributeData();
                } else if (attribute.getAttributeType() == RadiusWire.MS_CHAP2_RESPONSE) {
                    response = attribute.getAttributeData();
                }
            }
        }
        if (challenge == null || response == null || challenge.length != 16 || response.length != 50) {
            return null;
        }
        return new MsChapV2Credentials(AuthMethod.MSCHAPV2, response[0] & 0xFF, challenge,
                Arrays.copyOfRange(response, 2, 18), Arrays.copyOfRange(response, 26, 50));
    }

    static List<RequestAttribute> attributes(RadiusPacket packet) {
        List<RequestAttribute> result = new ArrayList<>();
        for (Object item : packet.getAttributes()) {
            RadiusAttribute attribute = (RadiusAttribute) item;
            int type = attribute.getAttributeType();
            if (type == RadiusWire.USER_PASSWORD || type == RadiusWire.CHAP_PASSWORD
                    || type == RadiusWire.MESSAGE_AUTHENTICATOR || type == RadiusWire.EAP_MESSAGE) {
                continue;
            }
            if (attribute instanceof VendorSpecificAttribute vsa) {
                for (Object sub : vsa.getSubAttributes()) {
                    RadiusAttribute subAttribute = (RadiusAttribute) sub;
                    if (!isCredential(vsa.getChildVendorId(), subAttribute.getAttributeType())) {
                        result.add(describe(vsa.getChildVendorId(), subAttribute));
                    }
                }
            } else {
                result.add(describe(0, attribute));
            }
        }
        return result;
    }

    /** Credentials are not attributes for policies: they never leave the decoder as such. */
    private static boolean isCredential(int vendorId, int type) {
        return vendorId == RadiusWire.MICROSOFT
                && (type == RadiusWire.MS_CHAP_CHALLENGE || type == RadiusWire.MS_CHAP2_RESPONSE
                        || type == RadiusWire.MS_CHAP2_CPW || type == RadiusWire.MS_CHAP_NT_ENC_PW);
    }

    private static RequestAttribute describe(int vendorId, RadiusAttribute attribute) {
        var type = attribute.getAttributeTypeObject();
        String name = type != null ? type.getName()
                : (vendorId == 0 ? "Attr-" + attribute.getAttributeType()
                        : "Vendor-" + vendorId + "-Attr-" + attribute.getAttributeType());
        String value;
        try {
            value = attribute.getAttributeValue();
        } catch (RuntimeException e) {
            value = "0x" + java.util.HexFormat.of().formatHex(attribute.getAttributeData());
        }
        return new RequestAttribute(vendorId, attribute.getAttributeType(), name, value);
    }

    /** A copy of the packet in which the Microsoft attributes of one type are declared of another. */
    static byte[] relabelledMicrosoft(byte[] packet, int type, int newType) {
        byte[] copy = packet.clone();
        for (int sub : RadiusWire.microsoftOffsets(packet, type)) {
            copy[sub] = (byte) newType;
        }
        return copy;
    }

    /** A copy of the packet without the attributes at these offsets, its length field set to match. */
    static byte[] without(byte[] packet, Set<Integer> offsets) {
        java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        kept.write(packet, 0, RadiusWire.HEADER_LENGTH);
        int size = RadiusWire.length(packet);
        for (int offset = RadiusWire.HEADER_LENGTH; offset < size; offset += packet[offset + 1] & 0xFF) {
            if (!offsets.contains(offset)) {
                kept.write(packet, offset, packet[offset + 1] & 0xFF);
            }
        }
        byte[] result = kept.toByteArray();
        result[2] = (byte) (result.length >> 8);
        result[3] = (byte) result.length;
        return result;
    }

    /** Sets an Accounting-Request's Request Authenticator (RFC 2866 section 3) for its current content. */
    static void signAccountingRequest(byte[] packet, byte[] secret) {
        java.util.Arrays.fill(packet, RadiusWire.AUTHENTICATOR_OFFSET,
                RadiusWire.AUTHENTICATOR_OFFSET + RadiusWire.AUTHENTICATOR_LENGTH, (byte) 0);
        java.security.MessageDigest md5 = RadiusWire.md5();
        md5.update(packet);
        md5.update(secret);
        System.arraycopy(md5.digest(), 0, packet, RadiusWire.AUTHENTICATOR_OFFSET,
                RadiusWire.AUTHENTICATOR_LENGTH);
    }
}
