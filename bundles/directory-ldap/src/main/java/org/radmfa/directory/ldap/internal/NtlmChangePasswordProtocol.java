package org.radmfa.directory.ldap.internal;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Samba's {@code ntlm_auth --helper-protocol=ntlm-change-password-1} (source3/utils/ntlm_auth.c,
 * {@code manage_ntlm_change_password_1_request}): an MS-CHAPv2 password change handed to winbind as the two blobs
 * the peer made, which winbind passes to the domain controller (SAMR ChangePasswordUser2); the clear password never
 * exists here. The request is {@code Key: value} lines and a dot: {@code Username}, {@code NT-Domain},
 * {@code New-NT-Password-Blob} (516 octets, hex) and {@code Old-NT-Hash-Blob} (16 octets, hex); ntlm_auth compares
 * the keys without case. The answer is {@code Password-Change: Yes}, or {@code Password-Change: No} with
 * {@code Password-Change-Error} (the NT status' description) and the extra dot of a refusal. No I/O here.
 */
final class NtlmChangePasswordProtocol {
    private static final HexFormat HEX = HexFormat.of();

    private NtlmChangePasswordProtocol() {
    }

    /** The domain's answer to one change. */
    record Answer(boolean changed, String error) {
    }

    /** The account and domain must not contain line breaks (checked by the caller). */
    static String request(String account, String domain, byte[] encryptedPassword, byte[] encryptedHash) {
        StringBuilder request = new StringBuilder();
        request.append("Username: ").append(account).append('\n');
        if (!domain.isEmpty()) {
            request.append("NT-Domain: ").append(domain).append('\n');
        }
        request.append("New-NT-Password-Blob: ").append(HEX.formatHex(encryptedPassword)).append('\n');
        request.append("Old-NT-Hash-Blob: ").append(HEX.formatHex(encryptedHash)).append('\n');
        request.append(".\n");
        return request.toString();
    }

    /** One answer, from its lines without the dot. */
    static Answer parse(List<String> lines) {
        Boolean changed = null;
        String error = null;
        for (String line : lines) {
            int colon = line.indexOf(": ");
            String name = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 2).trim();
            switch (name.toLowerCase(Locale.ROOT)) {
                case "password-change" -> changed = value.equalsIgnoreCase("Yes");
                case "password-change-error", "error" -> error = value.isEmpty() ? line : value;
                default -> {
                    // nothing else is defined
                }
            }
        }
        if (Boolean.TRUE.equals(changed)) {
            return new Answer(true, null);
        }
        return new Answer(false, error != null ? error : changed == null ? "unexpected answer " + lines
                : "refused without a reason");
    }
}
