package org.radmfa.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for tests, made in memory (BouncyCastle's certificate builder, the JDK's keys and PKCS#12): a CA, and
 * certificates it signs, valid now or expired. Each issued certificate is written as a PKCS#12 file (password
 * {@value #PASSWORD}, alias {@code key} with its chain, alias {@code ca} the CA) and a PEM file; the CA as a PEM file.
 * Keys are EC P-256, or RSA-2048 for tests that measure what RSA costs.
 */
public final class TestPki {
    public static final String PASSWORD = "changeit";

    /** The key type of the CA and of the certificates it issues. */
    public enum KeyType {
        EC, RSA_2048
    }

    private final SecureRandom random = new SecureRandom();
    private final Path dir;
    private final String caName;
    private final KeyType keyType;
    private final KeyPair caKeys;
    private final X509Certificate ca;

    /** A CA named {@code CN=caName} with EC keys, its files in {@code dir}. */
    public TestPki(Path dir, String caName) throws IOException {
        this(dir, caName, KeyType.EC);
    }

    public TestPki(Path dir, String caName, KeyType keyType) throws IOException {
        this.dir = dir;
        this.caName = caName;
        this.keyType = keyType;
        this.caKeys = keyPair();
        Instant now = Instant.now();
        this.ca = sign("CN=" + caName, caKeys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)), true,
                null);
        writePem(caPem(), ca);
    }

    public Path caPem() {
        return dir.resolve(caName + "-ca.pem");
    }

    /**
     * A PKCS#12 file with a key and a certificate for {@code CN=cn} signed by this CA, and its chain; the certificate
     * also as PEM ({@link #pem}).
     *
     * @param san subjectAltNames as keytool writes them, e.g. {@code dns:radius.example,ip:127.0.0.1}, or null
     * @param expired whether the certificate expired years ago (valid 30 days from 2020-01-01)
     */
    public Path issue(String cn, String san, boolean expired) throws IOException {
        KeyPair keys = keyPair();
        Instant notBefore = expired ? Instant.parse("2020-01-01T00:00:00Z") : Instant.now().minus(Duration.ofDays(1));
        Instant notAfter = expired ? notBefore.plus(Duration.ofDays(30)) : Instant.now().plus(Duration.ofDays(90));
        X509Certificate certificate = sign("CN=" + cn, keys, notBefore, notAfter, false, san);
        writePem(pem(cn), certificate);
        Path store = dir.resolve(cn + ".p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setCertificateEntry("ca", ca);
            keyStore.setKeyEntry("key", keys.getPrivate(), PASSWORD.toCharArray(),
                    new Certificate[] {certificate, ca});
            keyStore.store(out, PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException(store + ": " + e.getMessage(), e);
        }
        return store;
    }

    /** The PEM file of the certificate issued for {@code cn}. */
    public Path pem(String cn) {
        return dir.resolve(cn + ".pem");
    }

    /** The CA's certificate. */
    public X509Certificate caCertificate() {
        return ca;
    }

    /** The certificate issued for {@code cn}. */
    public X509Certificate certificate(String cn) throws IOException {
        try (InputStream in = Files.newInputStream(pem(cn))) {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
        } catch (GeneralSecurityException e) {
            throw new IOException(pem(cn) + ": " + e.getMessage(), e);
        }
    }

    /** The private key of a PKCS#12 file made by {@link #issue}. */
    public static PrivateKey privateKey(Path store) throws IOException {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, PASSWORD.toCharArray());
            return (PrivateKey) keyStore.getKey("key", PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException(store + ": " + e.getMessage(), e);
        }
    }

    private KeyPair keyPair() throws IOException {
        try {
            KeyPairGenerator generator;
            if (keyType == KeyType.EC) {
                generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            } else {
                generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048, random);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("no " + keyType + " keys: " + e.getMessage(), e);
        }
    }

    private X509Certificate sign(String subject, KeyPair subjectKeys, Instant notBefore, Instant notAfter,
            boolean isCa, String san) throws IOException {
        String issuer = isCa ? subject : "CN=" + caName;
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                new BigInteger(64, random).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                new X500Name(subject), subjectKeys.getPublic());
        try {
            // What keytool and CAs write: basic constraints, and the key identifiers that link a chain.
            JcaX509ExtensionUtils identifiers = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    identifiers.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    identifiers.createAuthorityKeyIdentifier(caKeys.getPublic()));
            if (san != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(san));
            }
            String algorithm = keyType == KeyType.EC ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder(algorithm).build(caKeys.getPrivate())));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IOException("cannot make the certificate of " + subject + ": " + e.getMessage(), e);
        }
    }

    /** keytool's SAN syntax: comma-separated {@code type:value}, types dns, ip, email, uri (any case). */
    private static GeneralNames subjectAltNames(String san) {
        List<GeneralName> names = new ArrayList<>();
        for (String entry : san.split(",")) {
            int colon = entry.indexOf(':');
            String value = entry.substring(colon + 1).trim();
            int tag = switch (entry.substring(0, colon).trim().toLowerCase(Locale.ROOT)) {
                case "dns" -> GeneralName.dNSName;
                case "ip" -> GeneralName.iPAddress;
                case "email" -> GeneralName.rfc822Name;
                case "uri" -> GeneralName.uniformResourceIdentifier;
                default -> throw new IllegalArgumentException("unknown subjectAltName type in '" + entry + "'");
            };
            names.add(new GeneralName(tag, value));
        }
        return new GeneralNames(names.toArray(new GeneralName[0]));
    }

    private static void writePem(Path file, X509Certificate certificate) throws IOException {
        try {
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded());
            Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
