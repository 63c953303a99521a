package org.radmfa.api;

import java.util.Objects;

/**
 * A registered RADIUS client (a NAS such as a VPN gateway).
 *
 * @param name friendly name, as NPS calls it; unique in the registry
 * @param address the address as configured: an IP address, a DNS name or a CIDR subnet
 * @param secret the shared secret
 * @param vendor the NAS vendor, e.g. "RADIUS Standard" or "Microsoft"
 * @param messageAuthenticator whether Access-Requests without a Message-Authenticator are dropped: always, never, or
 *     once the client has sent one (BlastRADIUS, CVE-2024-3596); since 1.9
 * @param limitProxyState whether an Access-Request with Proxy-State and without Message-Authenticator is dropped
 *     while this client is not required to send one (the BlastRADIUS attack hides its collision in Proxy-State;
 *     FreeRADIUS's {@code limit_proxy_state}); since 1.9
 */
public record RadiusClient(String name, String address, SharedSecret secret, String vendor,
        MessageAuthenticatorPolicy messageAuthenticator, boolean limitProxyState) {

    public RadiusClient {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(secret, "secret");
        vendor = vendor == null ? "RADIUS Standard" : vendor;
        messageAuthenticator = messageAuthenticator == null ? MessageAuthenticatorPolicy.AUTO : messageAuthenticator;
    }

    /** The 1.8 form: required or optional, Proxy-State limited. */
    public RadiusClient(String name, String address, SharedSecret secret, String vendor,
            boolean requireMessageAuthenticator) {
        this(name, address, secret, vendor, requireMessageAuthenticator ? MessageAuthenticatorPolicy.REQUIRED
                : MessageAuthenticatorPolicy.OPTIONAL, true);
    }

    /** Whether a Message-Authenticator is always required ({@link MessageAuthenticatorPolicy#REQUIRED}). */
    public boolean requireMessageAuthenticator() {
        return messageAuthenticator == MessageAuthenticatorPolicy.REQUIRED;
    }
}
