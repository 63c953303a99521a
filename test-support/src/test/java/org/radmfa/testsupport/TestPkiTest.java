package org.radmfa.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPkiTest {
    @TempDir
    Path dir;

    @Test
    void issuesCertificatesSignedByItsCaWithTheirSubjectAltNames() throws Exception {
        TestPki pki = new TestPki(dir, "test-ca");
        Path store = pki.issue("radius.example", "dns:radius.example,IP:127.0.0.1", false);

        X509Certificate ca = pki.caCertificate();
        try (InputStream in = Files.newInputStream(pki.caPem())) {
            assertEquals(ca, CertificateFactory.getInstance("X.509").generateCertificate(in), "the CA's PEM file");
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, TestPki.PASSWORD.toCharArray());
        }
        assertEquals(2, keyStore.getCertificateChain("key").length, "the certificate and its CA");
        assertTrue(keyStore.isCertificateEntry("ca"));
        X509Certificate certificate = pki.certificate("radius.example");
        certificate.verify(ca.getPublicKey());
        certificate.checkValidity();
        assertEquals("CN=radius.example", certificate.getSubjectX500Principal().getName());
        assertEquals("CN=test-ca", certificate.getIssuerX500Principal().getName());
        assertTrue(ca.getBasicConstraints() >= 0, "the CA is a CA");
        assertEquals(-1, certificate.getBasicConstraints(), "an issued certificate is not");
        assertEquals(List.of(List.of(2, "radius.example"), List.of(7, "127.0.0.1")),
                certificate.getSubjectAlternativeNames().stream().toList());
        assertTrue(Files.exists(pki.caPem()));
        assertKeyMatches(TestPki.privateKey(store), certificate, "SHA256withECDSA");
    }

    @Test
    void issuesExpiredCertificatesAndRsaKeys() throws Exception {
        TestPki pki = new TestPki(dir, "rsa-ca", TestPki.KeyType.RSA_2048);
        Path store = pki.issue("old", null, true);

        X509Certificate certificate = pki.certificate("old");
        assertThrows(CertificateExpiredException.class, certificate::checkValidity);
        assertEquals("RSA", certificate.getPublicKey().getAlgorithm());
        assertKeyMatches(TestPki.privateKey(store), certificate, "SHA256withRSA");
    }

    private static void assertKeyMatches(PrivateKey key, X509Certificate certificate, String algorithm)
            throws Exception {
        byte[] data = {1, 2, 3};
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate);
        verifier.update(data);
        assertTrue(verifier.verify(signature), "the private key belongs to the certificate");
    }
}
