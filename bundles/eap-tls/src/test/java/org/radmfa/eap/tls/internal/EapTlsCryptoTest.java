package org.radmfa.eap.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

import org.bouncycastle.tls.DigitallySigned;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.crypto.Tls13Verifier;
import org.bouncycastle.tls.crypto.TlsAgreement;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsECConfig;
import org.bouncycastle.tls.crypto.TlsStreamVerifier;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.radmfa.testsupport.TestPki;

/**
 * A peer's RSASSA-PSS CertificateVerify (TLS 1.3 with an RSA client certificate; OpenSSL's choice in TLS 1.2 too) is
 * verified without BouncyCastle's provider registered for the whole JVM, as Karaf's SSH server used to do.
 */
class EapTlsCryptoTest {
    @TempDir
    Path dir;

    @Test
    void aClientsRsaPssSignatureIsVerifiedWithoutAGloballyRegisteredProvider() throws Exception {
        assertNull(Security.getProvider("BC"), "this test needs a JVM without BouncyCastle registered");
        TestPki pki = new TestPki(dir, "test CA", TestPki.KeyType.RSA_2048);
        Path store = pki.issue("demo", null, false);
        byte[] certificate = pki.certificate("demo").getEncoded();
        byte[] handshake = "the transcript hash a CertificateVerify signs".getBytes(StandardCharsets.UTF_8);
        byte[] signature = signRsaPssSha256(TestPki.privateKey(store), handshake);

        assertTrue(verifies(EapTlsCrypto.create(), certificate, signature, handshake));
        // What the handshakes had before: BouncyCastle's TLS on the JDK's providers alone cannot.
        assertThrows(IOException.class, () -> verifies(new JcaTlsCryptoProvider().create(new SecureRandom()),
                certificate, signature, handshake));
    }

    @Test
    void aSignatureOfOtherDataIsRefused() throws Exception {
        TestPki pki = new TestPki(dir, "test CA", TestPki.KeyType.RSA_2048);
        Path store = pki.issue("demo", null, false);
        byte[] signature = signRsaPssSha256(TestPki.privateKey(store), "one".getBytes(StandardCharsets.UTF_8));
        assertFalse(verifies(EapTlsCrypto.create(), pki.certificate("demo").getEncoded(), signature,
                "another".getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * BouncyCastle's provider makes the ephemeral keys; a peer on the JDK's providers alone must agree on the same
     * secret over every group a client may choose (and the JDK's shares must be accepted).
     */
    @ParameterizedTest
    @ValueSource(ints = {NamedGroup.x25519, NamedGroup.x448, NamedGroup.secp256r1, NamedGroup.secp384r1})
    void theKeyExchangeAgreesWithAPeerOnTheJdksProviders(int group) throws Exception {
        TlsAgreement appliance = EapTlsCrypto.create().createECDomain(new TlsECConfig(group)).createECDH();
        TlsAgreement peer = new JcaTlsCryptoProvider().create(new SecureRandom())
                .createECDomain(new TlsECConfig(group)).createECDH();
        byte[] applianceShare = appliance.generateEphemeral();
        appliance.receivePeerValue(peer.generateEphemeral());
        peer.receivePeerValue(applianceShare);
        assertArrayEquals(peer.calculateSecret().extract(), appliance.calculateSecret().extract());
    }

    private static byte[] signRsaPssSha256(PrivateKey key, byte[] data) throws Exception {
        Signature signer = Signature.getInstance("RSASSA-PSS");
        signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        signer.initSign(key);
        signer.update(data);
        return signer.sign();
    }

    /** As a TLS 1.3 CertificateVerify is checked (RFC 8446 section 4.4.3), and as a TLS 1.2 one; both must agree. */
    private static boolean verifies(JcaTlsCrypto crypto, byte[] certificate, byte[] signature, byte[] data)
            throws IOException {
        TlsCertificate peer = crypto.createCertificate(certificate);
        Tls13Verifier tls13 = peer.createVerifier(SignatureScheme.rsa_pss_rsae_sha256);
        tls13.getOutputStream().write(data);
        boolean verified13 = tls13.verifySignature(signature);
        TlsStreamVerifier tls12 = peer.createVerifier(SignatureAlgorithm.rsa_pss_rsae_sha256)
                .getStreamVerifier(new DigitallySigned(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256, signature));
        boolean verified12;
        if (tls12 == null) {
            verified12 = verified13;
        } else {
            tls12.getOutputStream().write(data);
            verified12 = tls12.isVerified();
        }
        assertEquals(verified13, verified12, "TLS 1.3 and TLS 1.2 verification disagree");
        return verified13;
    }
}
