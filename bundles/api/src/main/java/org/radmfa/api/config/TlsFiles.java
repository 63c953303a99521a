package org.radmfa.api.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The key material of a TLS endpoint (RadSec, RFC 6614) from files as operators have them: a PKCS#12 file
 * ({@code .p12}, {@code .pfx}) or a PEM certificate chain with a PEM PKCS#8 private key (plain or encrypted, as
 * {@code openssl} 3 writes them), and the CA certificates (PEM) that peers' certificates must chain to. Only the
 * JDK's providers: no other TLS library.
 *
 * @since 1.1
 */
public final class TlsFiles {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private TlsFiles() {
    }

    /**
     * An SSLContext with this certificate and key, trusting only {@code trustedCa}.
     *
     * @param certificate PKCS#12 file, or PEM certificate chain (own certificate first)
     * @param privateKey the PEM private key when {@code certificate} is PEM; ignored for PKCS#12
     * @param password of the PKCS#12 file or of an encrypted PEM key; may be empty
     * @param trustedCa PEM file of CA certificates
     * @throws GeneralSecurityException or {@link IOException} saying which file is wrong and why
     */
    public static SSLContext context(Path certificate, Path privateKey, String password, Path trustedCa)
            throws GeneralSecurityException, IOException {
        char[] secret = password == null ? new char[0] : password.toCharArray();
        KeyStore keys = keyStore(certificate, privateKey, secret);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, secret);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        List<X509Certificate> cas = certificates(trustedCa);
        if (cas.isEmpty()) {
            throw new GeneralSecurityException(trustedCa + " holds no PEM certificate");
        }
        for (int i = 0; i < cas.size(); i++) {
            trust.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
                TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static KeyStore keyStore(Path certificate, Path privateKey, char[] password)
            throws GeneralSecurityException, IOException {
        String name = certificate.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".p12") || name.endsWith(".pfx")) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(certificate)) {
                store.load(in, password);
            } catch (IOException e) {
                throw new IOException(certificate + ": not a PKCS#12 file or a wrong password (" + e.getMessage()
                        + ")", e);
            }
            return store;
        }
        if (privateKey == null) {
            throw new GeneralSecurityException(certificate + " is PEM: a private key file is needed too");
        }
        List<X509Certificate> chain = certificates(certificate);
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(certificate + " holds no PEM certificate");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("key", privateKey(privateKey, password, chain.get(0)), password,
                chain.toArray(new Certificate[0]));
        return store;
    }

    /** Every certificate of a PEM file, in order. */
    public static List<X509Certificate> certificates(Path file) throws GeneralSecurityException, IOException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> result = new ArrayList<>();
        Matcher blocks = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (blocks.find()) {
            if (blocks.group(1).equals("CERTIFICATE")) {
                result.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der(blocks))));
            }
        }
        return result;
    }

    private static PrivateKey privateKey(Path file, char[] password, X509Certificate certificate)
            throws GeneralSecurityException, IOException {
        Matcher blocks = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (blocks.find()) {
            PKCS8EncodedKeySpec spec;
            switch (blocks.group(1)) {
                case "PRIVATE KEY" -> spec = new PKCS8EncodedKeySpec(der(blocks));
                case "ENCRYPTED PRIVATE KEY" -> {
                    EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der(blocks));
                    SecretKeyFactory factory = SecretKeyFactory.getInstance(info.getAlgName());
                    Cipher cipher = Cipher.getInstance(info.getAlgName());
                    cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password)),
                            info.getAlgParameters());
                    spec = info.getKeySpec(cipher);
                }
                default -> {
                    continue;
                }
            }
            return KeyFactory.getInstance(certificate.getPublicKey().getAlgorithm()).generatePrivate(spec);
        }
        throw new GeneralSecurityException(file + " holds no PEM PKCS#8 private key (BEGIN PRIVATE KEY or BEGIN"
                + " ENCRYPTED PRIVATE KEY; convert others with openssl pkcs8 -topk8)");
    }

    private static byte[] der(Matcher block) {
        return Base64.getMimeDecoder().decode(block.group(2));
    }
}
