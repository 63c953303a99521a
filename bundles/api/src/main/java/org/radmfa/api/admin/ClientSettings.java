package org.radmfa.api.admin;

import java.util.Objects;

import org.radmfa.api.MessageAuthenticatorPolicy;

/**
 * A RADIUS client's definition, without its shared secret (which goes in through
 * {@link ClientAdmin#setSecret} and never comes out).
 *
 * @param name friendly name, unique
 * @param address IP address, CIDR subnet or DNS name
 * @param vendor NAS vendor as NPS names it; null: "RADIUS Standard"
 * @param messageAuthenticator when Access-Requests without a valid Message-Authenticator are dropped: always,
 *     never, or once the client has sent one (auto); null: auto. Since 1.1
 * @param limitProxyState drop Access-Requests with Proxy-State and without Message-Authenticator while one is not
 *     required. Since 1.1
 * @param nasTimeoutSeconds how long the NAS waits for an answer before it retries, as configured on the NAS: a
 *     hint for operators (an MFA deadline must stay below it); 0 when not known
 * @param nasRetries how often the NAS retries, as configured on it; 0 when not known
 */
public record ClientSettings(String name, String address, String vendor,
        MessageAuthenticatorPolicy messageAuthenticator, boolean limitProxyState, int nasTimeoutSeconds,
        int nasRetries) {

    public ClientSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        vendor = vendor == null ? "RADIUS Standard" : vendor;
        messageAuthenticator = messageAuthenticator == null ? MessageAuthenticatorPolicy.AUTO : messageAuthenticator;
    }

    /** The 1.0 form: required or optional, Proxy-State limited. */
    public ClientSettings(String name, String address, String vendor, boolean requireMessageAuthenticator,
            int nasTimeoutSeconds, int nasRetries) {
        this(name, address, vendor, requireMessageAuthenticator ? MessageAuthenticatorPolicy.REQUIRED
                : MessageAuthenticatorPolicy.OPTIONAL, true, nasTimeoutSeconds, nasRetries);
    }

    /** Whether a Message-Authenticator is always required. */
    public boolean requireMessageAuthenticator() {
        return messageAuthenticator == MessageAuthenticatorPolicy.REQUIRED;
    }
}
