package org.radmfa.npsimport.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.radmfa.api.AuthMethod;

/**
 * NPS's authentication methods ({@code msNPAuthenticationType2}: 1 PAP, 2 MD5-CHAP, 3 MS-CHAP, 4 MS-CHAPv2,
 * 5 EAP, 7 unauthenticated, 8 extension, 9/10 MS-CHAP password change, 11 PEAP) and EAP types
 * ({@code msNPAllowedEapType}, bin.hex whose first byte is the EAP type: 0x1a MS-CHAPv2, 0x19 PEAP, 0x0d TLS) as
 * the appliance's {@link AuthMethod}s, with what has no counterpart here.
 */
final class AuthenticationTypes {

    /**
     * @param allowed what the appliance allows of it
     * @param dropped NPS methods with no counterpart, each with why
     * @param notes methods whose absence changes nothing here
     */
    record Mapping(Set<AuthMethod> allowed, List<String> dropped, List<String> notes) {
    }

    private AuthenticationTypes() {
    }

    static Mapping map(List<Long> types, List<Integer> eapTypes) {
        // In NPS's order: a network policy offers its EAP types in the order it lists them.
        Set<AuthMethod> allowed = new LinkedHashSet<>();
        List<String> dropped = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (long type : types) {
            switch ((int) type) {
                case 1 -> allowed.add(AuthMethod.PAP);
                case 2 -> allowed.add(AuthMethod.CHAP);
                case 3 -> dropped.add("3 (MS-CHAP v1): not supported here (it is broken; use MS-CHAPv2)");
                case 4 -> allowed.add(AuthMethod.MSCHAPV2);
                case 5 -> eap(eapTypes, allowed, dropped);
                case 7 -> dropped.add("7 (unauthenticated access): the appliance always authenticates");
                case 8 -> dropped.add("8 (authentication by an NPS extension DLL): no counterpart");
                case 9, 10 -> notes.add(type + " (MS-CHAP" + (type == 10 ? "v2" : "") + " password change after"
                        + " expiry): offered when an Active Directory checks the password through winbind"
                        + " (msChapV2 = winbind); nothing to configure in the policy");
                case 11 -> allowed.add(AuthMethod.PEAP);
                default -> dropped.add(type + ": an authentication type this importer does not know");
            }
        }
        return new Mapping(allowed, dropped, notes);
    }

    private static void eap(List<Integer> eapTypes, Set<AuthMethod> allowed, List<String> dropped) {
        if (eapTypes.isEmpty()) {
            dropped.add("5 (EAP) without any EAP type allowed (msNPAllowedEapType)");
        }
        for (int eapType : eapTypes) {
            switch (eapType) {
                case 26 -> allowed.add(AuthMethod.EAP_MSCHAPV2);
                case 25 -> allowed.add(AuthMethod.PEAP);
                case 13 -> allowed.add(AuthMethod.EAP_TLS);
                case 4 -> dropped.add("EAP type 4 (EAP-MD5): not supported");
                default -> dropped.add("EAP type " + eapType + ": not spoken here");
            }
        }
    }

    /** The EAP type of an {@code msNPAllowedEapType} value: its first byte, in hex. */
    static int eapType(String binHex) {
        String hex = binHex.replaceAll("\\s+", "");
        if (hex.length() < 2) {
            throw new IllegalArgumentException("'" + binHex + "' holds no EAP type");
        }
        try {
            return Integer.parseInt(hex.substring(0, 2).toLowerCase(Locale.ROOT), 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + binHex + "' is not hexadecimal");
        }
    }
}
