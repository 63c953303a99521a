package org.radmfa.transport.internal;

/** Names of the EAP method types (IANA registry) a gateway or supplicant is likely to ask for, for log lines. */
final class EapTypes {

    private EapTypes() {
    }

    static String name(int type) {
        String name = switch (type) {
            case 0 -> "no alternative (Nak with type 0)";
            case 4 -> "EAP-MD5";
            case 5 -> "EAP-OTP";
            case 6 -> "EAP-GTC";
            case 13 -> "EAP-TLS";
            case 17 -> "LEAP";
            case 18 -> "EAP-SIM";
            case 21 -> "EAP-TTLS";
            case 23 -> "EAP-AKA";
            case 25 -> "PEAP";
            case 26 -> "EAP-MSCHAPv2";
            case 43 -> "EAP-FAST";
            case 52 -> "EAP-PWD";
            case 55 -> "TEAP";
            default -> null;
        };
        return name == null ? "EAP type " + type : name + " (EAP type " + type + ")";
    }
}
