package org.radmfa.api;

import java.util.Objects;

/**
 * A registered RADIUS client (a NAS such as a VPN gateway).
 *
 * @param name friendly name, as NPS calls it; unique in the registry
 * @param address the address as configured: an IP address, a DNS name or a CIDR subnet
 * @param secret the shared secret
 * @param vendor the NAS vendor, e.g. "RADIUS Standard" or "Microsoft"
 * @param requireMessageAuthenticator whether Access-Requests without a Message-Authenticator are dropped
 *     (BlastRADIUS, CVE-2024-3596)
 */
public record RadiusClient(String name, String address, SharedSecret secret, String vendor,
        boolean requireMessageAuthenticator) {

    public RadiusClient {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(secret, "secret");
        vendor = vendor == null ? "RADIUS Standard" : vendor;
    }
}
