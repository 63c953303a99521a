package org.radmfa.directory.ldap.internal;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Samba's {@code ntlm_auth --helper-protocol=ntlm-server-1}, the line protocol FreeRADIUS and Squid speak to it:
 * the request is {@code Key: value} lines and a line with a single dot; so is the answer ({@code Authenticated: Yes}
 * with {@code User-Session-Key}, or {@code Authenticated: No} with {@code Authentication-Error}). After a refusal
 * ntlm_auth writes one more lone dot: an empty answer, which {@link AnswerReader} skips. No I/O here.
 */
final class NtlmServerProtocol {
    private static final HexFormat HEX = HexFormat.of();

    private NtlmServerProtocol() {
    }

    /** The domain's answer to one check. */
    record Answer(boolean authenticated, byte[] userSessionKey, String error) {
        @Override
        public String toString() {
            // Never the key: it is the MD4 of the user's NT hash.
            return authenticated ? "Answer[authenticated]" : "Answer[refused: " + error + "]";
        }
    }

    /**
     * An MS-CHAPv2 check as NTLM sees it: the 8-octet challenge is RFC 2759's ChallengeHash, the NT-Response the
     * peer's 24 octets. The account and domain must not contain line breaks (checked by the caller).
     */
    static String request(String account, String domain, byte[] challenge, byte[] ntResponse) {
        StringBuilder request = new StringBuilder();
        request.append("Username: ").append(account).append('\n');
        if (!domain.isEmpty()) {
            request.append("NT-Domain: ").append(domain).append('\n');
        }
        request.append("LANMAN-Challenge: ").append(HEX.formatHex(challenge)).append('\n');
        request.append("NT-Response: ").append(HEX.formatHex(ntResponse)).append('\n');
        request.append("Request-User-Session-Key: Yes\n");
        request.append(".\n");
        return request.toString();
    }

    /** Whether a value can go into a protocol line unchanged. */
    static boolean safeValue(String value) {
        return !value.isEmpty() && value.chars().noneMatch(c -> c < 0x20 || c == 0x7F);
    }

    /** Collects the lines of answers; an answer is complete at its dot line. */
    static final class AnswerReader {
        private final NtlmAuthHelper.Answers answers = new NtlmAuthHelper.Answers();

        /** Takes one line (without its line break); the answer it completes, or null. */
        Answer line(String line) {
            List<String> lines = answers.line(line);
            return lines == null ? null : parse(lines);
        }
    }

    /** One answer, from its lines without the dot. */
    static Answer parse(List<String> lines) {
        Boolean authenticated = null;
        byte[] key = null;
        String error = null;
        for (String line : lines) {
            int colon = line.indexOf(": ");
            String name = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 2).trim();
            switch (name.toLowerCase(Locale.ROOT)) {
                case "authenticated" -> authenticated = value.equalsIgnoreCase("Yes");
                case "user-session-key" -> key = HEX.parseHex(value.toLowerCase(Locale.ROOT));
                case "authentication-error", "error" -> error = value.isEmpty() ? line : value;
                default -> {
                    // LANMAN-Session-Key and future additions: not needed.
                }
            }
        }
        if (authenticated == null) {
            return new Answer(false, null, error != null ? error : "unexpected answer " + lines);
        }
        return new Answer(authenticated, authenticated ? key : null, authenticated ? null
                : error != null ? error : "refused without a reason");
    }
}
