package org.radmfa.eap.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Revocation of the whole path: OCSP for the client's certificate does not stop the CRL checks of its CAs. The OCSP
 * responder is 127.0.0.1:1, where nothing answers: the client's certificate falls back to its issuer's CRL.
 */
class ClientCertificateVerifierTest {
    private static final URI NO_RESPONDER = URI.create("http://127.0.0.1:1/ocsp");
    private static final long HOUR = 3_600_000L;
    private final AtomicLong serials = new AtomicLong(1);
    private final Date now = new Date();

    @ParameterizedTest
    @EnumSource(value = ClientCertificateVerifier.OcspMode.class, names = {"SOFT", "HARD"})
    void anIntermediateCaRevokedByTheRootsCrlIsRefusedWithOcspOn(ClientCertificateVerifier.OcspMode ocsp)
            throws Exception {
        Pki pki = new Pki();
        X509CRL rootCrl = crl("CN=Root", pki.root, pki.intermediate.getSerialNumber());
        X509CRL intermediateCrl = crl("CN=Intermediate", pki.intermediateKey, null);
        ClientCertificateVerifier verifier = new ClientCertificateVerifier(List.of(pki.rootCertificate),
                List.of(rootCrl, intermediateCrl), ocsp, NO_RESPONDER);

        CertificateException refused = assertThrows(CertificateException.class,
                () -> verifier.verify(new X509Certificate[] {pki.leaf, pki.intermediate}));
        CertPathValidatorException cause = assertInstanceOf(CertPathValidatorException.class, refused.getCause());
        assertEquals(CertPathValidatorException.BasicReason.REVOKED, cause.getReason(), refused.getMessage());
    }

    @Test
    void aPathWhoseCasAreNotRevokedPassesWithOcspHardAndTheCrlFallback() throws Exception {
        Pki pki = new Pki();
        ClientCertificateVerifier verifier = new ClientCertificateVerifier(List.of(pki.rootCertificate),
                List.of(crl("CN=Root", pki.root, null), crl("CN=Intermediate", pki.intermediateKey, null)),
                ClientCertificateVerifier.OcspMode.HARD, NO_RESPONDER);
        verifier.verify(new X509Certificate[] {pki.leaf, pki.intermediate});
    }

    /** root -> intermediate -> leaf, EC P-256. */
    private final class Pki {
        final KeyPair root = keys();
        final KeyPair intermediateKey = keys();
        final X509Certificate rootCertificate = certificate("CN=Root", root, "CN=Root", root, true);
        final X509Certificate intermediate = certificate("CN=Intermediate", intermediateKey, "CN=Root", root, true);
        final X509Certificate leaf = certificate("CN=alice", keys(), "CN=Intermediate", intermediateKey, false);

        Pki() throws Exception {
        }
    }

    private static KeyPair keys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
            boolean ca) {
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    BigInteger.valueOf(serials.getAndIncrement()), new Date(now.getTime() - HOUR),
                    new Date(now.getTime() + 24 * HOUR), new X500Name(subject), subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer(issuerKeys)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A current CRL of this issuer, revoking {@code revoked} when not null. */
    private X509CRL crl(String issuer, KeyPair issuerKeys, BigInteger revoked) throws Exception {
        X509v2CRLBuilder builder = new X509v2CRLBuilder(new X500Name(issuer), new Date(now.getTime() - HOUR));
        builder.setNextUpdate(new Date(now.getTime() + 24 * HOUR));
        builder.addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuerKeys.getPublic()));
        if (revoked != null) {
            builder.addCRLEntry(revoked, new Date(now.getTime() - HOUR), CRLReason.keyCompromise);
        }
        return new JcaX509CRLConverter().getCRL(builder.build(signer(issuerKeys)));
    }

    private static ContentSigner signer(KeyPair keys) throws Exception {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
    }
}
