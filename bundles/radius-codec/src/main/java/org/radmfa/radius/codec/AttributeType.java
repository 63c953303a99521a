package org.radmfa.radius.codec;

/** The attribute types the clients send or read (RFC 2865 section 5, RFC 2869, RFC 3579), and vendor ids. */
public final class AttributeType {
    public static final int USER_NAME = 1;
    public static final int USER_PASSWORD = 2;
    public static final int CHAP_PASSWORD = 3;
    public static final int NAS_IP_ADDRESS = 4;
    public static final int NAS_PORT = 5;
    public static final int SERVICE_TYPE = 6;
    public static final int REPLY_MESSAGE = 18;
    public static final int STATE = 24;
    public static final int CLASS = 25;
    public static final int VENDOR_SPECIFIC = 26;
    public static final int SESSION_TIMEOUT = 27;
    public static final int CALLED_STATION_ID = 30;
    public static final int CALLING_STATION_ID = 31;
    public static final int NAS_IDENTIFIER = 32;
    public static final int PROXY_STATE = 33;
    public static final int CHAP_CHALLENGE = 60;
    public static final int NAS_PORT_TYPE = 61;
    public static final int EAP_MESSAGE = 79;
    public static final int MESSAGE_AUTHENTICATOR = 80;

    /** Microsoft's vendor id (RFC 2548): MS-CHAP and MS-MPPE attributes. */
    public static final int VENDOR_MICROSOFT = 311;

    private AttributeType() {
    }
}
