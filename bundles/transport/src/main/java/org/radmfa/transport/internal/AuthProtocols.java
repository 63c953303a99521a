package org.radmfa.transport.internal;

/**
 * Which authentication method an Access-Request uses, read from the raw attributes before the dictionary sees them.
 * The methods this server offers are PAP, CHAP, MS-CHAPv2 and EAP; a well-formed request in any other method is
 * rejected with a reason (NPS: 66, the method is not allowed), never left without an answer.
 */
final class AuthProtocols {

    private AuthProtocols() {
    }

    /**
     * @return null when the request carries credentials of a method this server offers (or malformed ones, which the
     *     decoder then drops), otherwise the name of the method it uses, for the reject's log line
     */
    static String unsupported(byte[] packet) {
        if (RadiusWire.find(packet, RadiusWire.USER_PASSWORD) >= 0 || RadiusWire.find(packet, RadiusWire.CHAP_PASSWORD) >= 0
                || RadiusWire.find(packet, RadiusWire.EAP_MESSAGE) >= 0) {
            return null;
        }
        boolean msChapChallenge = RadiusWire.hasMicrosoft(packet, RadiusWire.MS_CHAP_CHALLENGE);
        if (msChapChallenge && (RadiusWire.hasMicrosoft(packet, RadiusWire.MS_CHAP2_RESPONSE)
                || RadiusWire.hasMicrosoft(packet, RadiusWire.MS_CHAP2_CPW))) {
            return null;
        }
        if (RadiusWire.hasMicrosoft(packet, RadiusWire.MS_CHAP_RESPONSE)) {
            return "MS-CHAP v1 (MS-CHAP-Response, RFC 2548)";
        }
        if (RadiusWire.hasMicrosoft(packet, RadiusWire.MS_CHAP2_CPW)) {
            return "MS-CHAPv2 password change without MS-CHAP-Challenge";
        }
        if (RadiusWire.hasMicrosoft(packet, RadiusWire.MS_CHAP_CPW_1)
                || RadiusWire.hasMicrosoft(packet, RadiusWire.MS_CHAP_CPW_2)) {
            return "MS-CHAP v1 password change (MS-CHAP-CPW)";
        }
        if (RadiusWire.hasMicrosoft(packet, RadiusWire.MS_CHAP2_RESPONSE)) {
            return "MS-CHAPv2 without MS-CHAP-Challenge";
        }
        if (RadiusWire.find(packet, RadiusWire.ARAP_PASSWORD) >= 0) {
            return "ARAP";
        }
        return "none (no User-Password, CHAP-Password, MS-CHAP or EAP-Message)";
    }
}
