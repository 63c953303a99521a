package org.radmfa.proxy.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AuthenticationRequest;
import org.radmfa.api.ChapCredentials;
import org.radmfa.api.Credentials;
import org.radmfa.api.EapCredentials;
import org.radmfa.api.MsChapV2Credentials;
import org.radmfa.api.PapCredentials;
import org.radmfa.api.RequestAttribute;

/**
 * A request re-made for a remote server (RFC 2865 section 2.3, proxying): the client's attributes as they came, the
 * User-Name as the connection request policy rewrote it, the credentials re-hidden or re-stated for the new Request
 * Authenticator, the client's Proxy-State attributes untouched and one of ours last.
 */
final class ForwardedRequest {

    private ForwardedRequest() {
    }

    /** Thrown for a request the proxy cannot re-make (credentials it cannot carry). */
    static final class UnforwardableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnforwardableException(String message) {
            super(message);
        }
    }

    /** The attributes of an Access-Request, without Message-Authenticator (the packet assembly adds it). */
    static byte[] accessAttributes(AuthenticationRequest request, byte[] secret, byte[] requestAuthenticator,
            byte[] proxyState, AttributeCodec codec) throws UnforwardableException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        byte[] userName = request.userName().getBytes(StandardCharsets.UTF_8);
        if (userName.length > 253) {
            throw new UnforwardableException("User-Name longer than 253 octets");
        }
        Wire.attribute(out, Wire.USER_NAME, userName);
        credentials(out, request.credentials(), secret, requestAuthenticator);
        copy(out, request.attributes(), codec);
        Wire.attribute(out, Wire.PROXY_STATE, proxyState);
        return out.toByteArray();
    }

    /** The attributes of an Accounting-Request, User-Name as rewritten, with our Proxy-State last. */
    static byte[] accountingAttributes(AccountingRecord record, String userName, byte[] proxyState,
            AttributeCodec codec) throws UnforwardableException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        byte[] name = userName.getBytes(StandardCharsets.UTF_8);
        if (name.length > 253) {
            throw new UnforwardableException("User-Name longer than 253 octets");
        }
        Wire.attribute(out, Wire.USER_NAME, name);
        copy(out, record.attributes(), codec);
        Wire.attribute(out, Wire.PROXY_STATE, proxyState);
        return out.toByteArray();
    }

    private static void credentials(ByteArrayOutputStream out, Credentials credentials, byte[] secret,
            byte[] requestAuthenticator) throws UnforwardableException {
        if (credentials instanceof PapCredentials pap) {
            byte[] password = pap.password().getBytes(StandardCharsets.UTF_8);
            if (password.length > 128) {
                throw new UnforwardableException("User-Password longer than 128 octets");
            }
            Wire.attribute(out, Wire.USER_PASSWORD, Wire.hidePassword(password, secret, requestAuthenticator));
        } else if (credentials instanceof MsChapV2Credentials msChap) {
            // RFC 2548 2.3.2: Ident, Flags, Peer-Challenge, 8 reserved octets, Response. EAP-MSCHAPv2 ended here
            // travels as the MS-CHAPv2 it carries: the remote server's keys are the same (RFC 3079).
            byte[] response = new byte[50];
            response[0] = (byte) msChap.ident();
            System.arraycopy(msChap.peerChallenge(), 0, response, 2, 16);
            System.arraycopy(msChap.ntResponse(), 0, response, 26, 24);
            Wire.vendorAttribute(out, Wire.MICROSOFT, Wire.MS_CHAP_CHALLENGE, msChap.authenticatorChallenge());
            Wire.vendorAttribute(out, Wire.MICROSOFT, Wire.MS_CHAP2_RESPONSE, response);
        } else if (credentials instanceof ChapCredentials chap) {
            // The CHAP challenge always travels as CHAP-Challenge: our Request Authenticator is not the client's.
            byte[] password = new byte[17];
            password[0] = (byte) chap.chapId();
            System.arraycopy(chap.response(), 0, password, 1, 16);
            Wire.attribute(out, Wire.CHAP_PASSWORD, password);
            Wire.attribute(out, Wire.CHAP_CHALLENGE, chap.challenge());
        } else if (credentials instanceof EapCredentials eap) {
            // RFC 3579 section 3.1: the EAP packet split into EAP-Message attributes of at most 253 octets, in order.
            byte[] packet = eap.eapMessage();
            for (int offset = 0; offset < packet.length; offset += 253) {
                Wire.attribute(out, Wire.EAP_MESSAGE, java.util.Arrays.copyOfRange(packet, offset,
                        Math.min(packet.length, offset + 253)));
            }
        } else {
            throw new UnforwardableException(credentials.method() + " credentials cannot be forwarded");
        }
    }

    /** The client's attributes, except those re-made here and the credentials it never handed over. */
    private static void copy(ByteArrayOutputStream out, List<RequestAttribute> attributes, AttributeCodec codec)
            throws UnforwardableException {
        for (RequestAttribute attribute : attributes) {
            if (attribute.vendorId() == 0 && (attribute.type() == Wire.USER_NAME
                    || attribute.type() == Wire.USER_PASSWORD || attribute.type() == Wire.CHAP_PASSWORD
                    || attribute.type() == Wire.CHAP_CHALLENGE || attribute.type() == Wire.MESSAGE_AUTHENTICATOR
                    || attribute.type() == Wire.EAP_MESSAGE)) {
                continue;
            }
            if (attribute.vendorId() == Wire.MICROSOFT && (attribute.type() == Wire.MS_CHAP_CHALLENGE
                    || attribute.type() == Wire.MS_CHAP2_RESPONSE)) {
                continue;
            }
            byte[] value;
            try {
                value = codec.encode(attribute);
            } catch (IllegalArgumentException e) {
                throw new UnforwardableException("attribute " + attribute.name() + ": " + e.getMessage());
            }
            try {
                if (attribute.vendorId() == 0) {
                    Wire.attribute(out, attribute.type(), value);
                } else {
                    Wire.vendorAttribute(out, attribute.vendorId(), attribute.type(), value);
                }
            } catch (IllegalArgumentException e) {
                throw new UnforwardableException(e.getMessage());
            }
        }
    }
}
