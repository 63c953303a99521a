package org.radmfa.radsec.internal;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

import org.radmfa.api.Cidr;

/**
 * How a RadSec client is recognised (RFC 6614 section 2.4): by its certificate, which has already been checked against
 * the trusted CA; a subject distinguished name, a name (a DNS or IP subjectAltName, or the subject's CN when it has
 * no DNS subjectAltName), or the SHA-256 fingerprint of the certificate itself. Optionally only from these networks.
 *
 * @param subject the subject DN exactly (compared as X.500 names), or null
 * @param name a DNS or IP subjectAltName, or the CN, or null
 * @param fingerprint lower-case hex SHA-256 of the certificate's DER, without separators, or null
 * @param networks where the connection may come from; empty for anywhere
 */
record CertificateIdentity(X500Principal subject, String name, String fingerprint, List<Cidr> networks) {

    CertificateIdentity {
        networks = List.copyOf(networks);
        if (subject == null && name == null && fingerprint == null) {
            throw new IllegalArgumentException("one of certificateSubject, certificateName, certificateFingerprint"
                    + " is required");
        }
    }

    /** @throws IllegalArgumentException saying which value is wrong */
    static CertificateIdentity parse(String subject, String name, String fingerprint, List<String> networks) {
        X500Principal principal = null;
        if (subject != null && !subject.isBlank()) {
            try {
                principal = new X500Principal(subject.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("certificateSubject '" + subject + "' is not a distinguished name");
            }
        }
        String hex = null;
        if (fingerprint != null && !fingerprint.isBlank()) {
            hex = fingerprint.trim().toLowerCase(Locale.ROOT).replaceFirst("^sha256:", "").replace(":", "");
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("certificateFingerprint must be the certificate's SHA-256 in hex"
                        + " (64 digits, colons allowed)");
            }
        }
        List<Cidr> parsed = new ArrayList<>();
        for (String network : networks) {
            parsed.add(Cidr.parse(network));
        }
        return new CertificateIdentity(principal, name == null || name.isBlank() ? null : name.trim(), hex, parsed);
    }

    boolean matches(X509Certificate certificate, InetAddress from) {
        if (!networks.isEmpty() && networks.stream().noneMatch(network -> network.contains(from))) {
            return false;
        }
        if (subject != null && !subject.equals(certificate.getSubjectX500Principal())) {
            return false;
        }
        if (fingerprint != null && !fingerprint.equals(fingerprint(certificate))) {
            return false;
        }
        return name == null || names(certificate).stream().anyMatch(name::equalsIgnoreCase);
    }

    /** DNS and IP subjectAltNames; the CN only when there is no DNS one (RFC 6125). */
    static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        boolean dns = false;
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    int type = (Integer) alternative.get(0);
                    if (type == 2 || type == 7) {
                        names.add(String.valueOf(alternative.get(1)));
                        dns |= type == 2;
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return names;
        }
        if (!dns) {
            try {
                for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(String.valueOf(rdn.getValue()));
                    }
                }
            } catch (InvalidNameException e) {
                return names;
            }
        }
        return names;
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (subject != null) {
            parts.add("subject '" + subject.getName() + "'");
        }
        if (name != null) {
            parts.add("name '" + name + "'");
        }
        if (fingerprint != null) {
            parts.add("sha256 " + fingerprint);
        }
        if (!networks.isEmpty()) {
            parts.add("from " + networks);
        }
        return String.join(", ", parts);
    }
}
