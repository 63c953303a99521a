package org.radmfa.radius.codec;

/** RADIUS packet codes (RFC 2865 section 3, RFC 2866, RFC 5997). */
public final class PacketCode {
    public static final int ACCESS_REQUEST = 1;
    public static final int ACCESS_ACCEPT = 2;
    public static final int ACCESS_REJECT = 3;
    public static final int ACCOUNTING_REQUEST = 4;
    public static final int ACCOUNTING_RESPONSE = 5;
    public static final int ACCESS_CHALLENGE = 11;
    public static final int STATUS_SERVER = 12;

    private PacketCode() {
    }
}
