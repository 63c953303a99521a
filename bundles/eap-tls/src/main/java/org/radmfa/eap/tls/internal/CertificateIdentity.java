package org.radmfa.eap.tls.internal;

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

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.radmfa.api.AuthMethod;
import org.radmfa.api.CertificateCredentials;

/**
 * Who a client certificate names, as NPS maps it to an account: the User Principal Name of its subjectAltName
 * (otherName 1.3.6.1.4.1.311.20.2.3), else the CN of its subject.
 */
final class CertificateIdentity {
    static final String UPN_OID = "1.3.6.1.4.1.311.20.2.3";

    private CertificateIdentity() {
    }

    static CertificateCredentials credentials(X509Certificate certificate) {
        String identity = upn(certificate);
        if (identity == null) {
            identity = commonName(certificate);
        }
        List<String> usages;
        try {
            usages = certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            usages = null;
        }
        return new CertificateCredentials(AuthMethod.EAP_TLS, identity == null ? "" : identity,
                certificate.getSubjectX500Principal().getName(), certificate.getIssuerX500Principal().getName(),
                HexFormat.of().formatHex(certificate.getSerialNumber().toByteArray()).toUpperCase(Locale.ROOT),
                usages == null ? List.of() : usages, policies(certificate));
    }

    static String upn(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return null;
        }
        if (names == null) {
            return null;
        }
        for (List<?> name : names) {
            // otherName (0): the JDK gives the DER of OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }
            if (name.size() == 2 && Integer.valueOf(0).equals(name.get(0)) && name.get(1) instanceof byte[] der) {
                try {
                    ASN1Primitive parsed = ASN1Primitive.fromByteArray(der);
                    if (parsed instanceof ASN1TaggedObject tagged && tagged.getTagNo() == 0) {
                        parsed = tagged.getBaseObject().toASN1Primitive(); // some JDKs keep the [0] of GeneralName
                    }
                    ASN1Sequence sequence = ASN1Sequence.getInstance(parsed);
                    if (UPN_OID.equals(ASN1ObjectIdentifier.getInstance(sequence.getObjectAt(0)).getId())) {
                        ASN1Encodable value = sequence.getObjectAt(1);
                        // [0] EXPLICIT, which the JDK hands over wrapped once more in [0]
                        for (int depth = 0; depth < 3 && value instanceof ASN1TaggedObject tagged; depth++) {
                            value = tagged.getExplicitBaseObject();
                        }
                        if (value instanceof ASN1String text && !text.getString().isBlank()) {
                            return text.getString();
                        }
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    // Not an otherName we can read: try the next name.
                }
            }
        }
        return null;
    }

    static String commonName(X509Certificate certificate) {
        try {
            List<Rdn> rdns = new ArrayList<>(new LdapName(certificate.getSubjectX500Principal().getName()).getRdns());
            // Most specific RDN last in LdapName order: take the last CN.
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return rdns.get(i).getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    private static List<String> policies(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.certificatePolicies.getId());
        if (extension == null) {
            return List.of();
        }
        try {
            byte[] inner = org.bouncycastle.asn1.ASN1OctetString.getInstance(extension).getOctets();
            List<String> oids = new ArrayList<>();
            for (PolicyInformation policy : CertificatePolicies.getInstance(inner).getPolicyInformation()) {
                oids.add(policy.getPolicyIdentifier().getId());
            }
            return oids;
        } catch (RuntimeException e) {
            return List.of();
        }
    }
}
