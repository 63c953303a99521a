package org.radmfa.eap.tls.internal;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/** A CA and a server certificate made in memory (RSA-2048), and the server identity EAP-TLS and PEAP present. */
final class TestPki {
    final JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(new SecureRandom());
    final X509Certificate ca;
    final X509Certificate server;
    private final KeyPair serverKeys;

    TestPki() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair caKeys = generator.generateKeyPair();
        serverKeys = generator.generateKeyPair();
        ca = certificate("CN=test CA", caKeys, "CN=test CA", caKeys, true);
        server = certificate("CN=radius.example", serverKeys, "CN=test CA", caKeys, false);
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
            boolean ca) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.DAYS)),
                Date.from(now.plus(30, ChronoUnit.DAYS)), new X500Name(subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
    }

    /** The server's key and certificate in a PKCS#12 file with this password, as etc/ would hold it. */
    Path keyStore(Path file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", serverKeys.getPrivate(), password.toCharArray(),
                new X509Certificate[] {server, ca});
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }

    /** The CA certificate as a PEM file. */
    Path caPem(Path file) throws Exception {
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64,
                new byte[] {'\n'}).encodeToString(ca.getEncoded()) + "\n-----END CERTIFICATE-----\n",
                StandardCharsets.US_ASCII);
        return file;
    }

    /** EAP-TLS's identity: TLS 1.3 and 1.2, client certificates of the test CA. */
    EapTlsServer.Identity identity() throws Exception {
        return new EapTlsServer.Identity(crypto, serverKeys.getPrivate(),
                new TlsCertificate[] {crypto.createCertificate(server.getEncoded())}, true,
                new ClientCertificateVerifier(List.of(ca), List.of()),
                List.of(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded())),
                new ProtocolVersion[] {ProtocolVersion.TLSv13, ProtocolVersion.TLSv12}, null);
    }
}
