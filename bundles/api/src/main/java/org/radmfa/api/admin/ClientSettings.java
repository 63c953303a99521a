package org.radmfa.api.admin;

import java.util.Objects;

/**
 * A RADIUS client's definition, without its shared secret (which goes in through
 * {@link ClientAdmin#setSecret} and never comes out).
 *
 * @param name friendly name, unique
 * @param address IP address, CIDR subnet or DNS name
 * @param vendor NAS vendor as NPS names it; null: "RADIUS Standard"
 * @param requireMessageAuthenticator drop Access-Requests without a valid Message-Authenticator
 * @param nasTimeoutSeconds how long the NAS waits for an answer before it retries, as configured on the NAS: a
 *     hint for operators (an MFA deadline must stay below it); 0 when not known
 * @param nasRetries how often the NAS retries, as configured on it; 0 when not known
 */
public record ClientSettings(String name, String address, String vendor, boolean requireMessageAuthenticator,
        int nasTimeoutSeconds, int nasRetries) {

    public ClientSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        vendor = vendor == null ? "RADIUS Standard" : vendor;
    }
}
