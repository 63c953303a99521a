package org.radmfa.api;

import java.util.List;
import java.util.Objects;

/**
 * A client certificate that a TLS-based EAP method has already verified (chain to a trusted CA, validity,
 * revocation, extended key usage): what remains for the directory is to find the user it names and their groups, as
 * NPS does for EAP-TLS. Only an EAP method builds these; nothing on the wire can.
 *
 * @param method {@link AuthMethod#EAP_TLS}
 * @param identity the user name taken from the certificate: the UPN of its subjectAltName, else its subject CN
 * @param subject the certificate's subject DN (RFC 2253)
 * @param issuer the issuer DN (RFC 2253)
 * @param serialNumber the serial number, in hexadecimal
 * @param extendedKeyUsages the extended key usage OIDs, empty when the certificate has none
 * @param policies the certificate policy OIDs, empty when the certificate has none
 * @since 1.10
 */
public record CertificateCredentials(AuthMethod method, String identity, String subject, String issuer,
        String serialNumber, List<String> extendedKeyUsages, List<String> policies) implements Credentials {

    public CertificateCredentials {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(serialNumber, "serialNumber");
        extendedKeyUsages = List.copyOf(extendedKeyUsages);
        policies = List.copyOf(policies);
    }
}
