package org.radmfa.eap.tls.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.radmfa.api.SecretVault;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * The EAP-TLS server's settings, read strictly: the server's key and certificate (PKCS#12, or PEM files), the CAs
 * whose client certificates are trusted, the CRLs, the TLS versions and the limits. Files are read now, so that a
 * wrong path or password is refused with its key instead of failing the first login. {@link #toString()} shows no
 * secret.
 */
record EapTlsSettings(PrivateKey key, X509Certificate[] chain, List<X509Certificate> trustedCas, List<X509CRL> crls,
        List<String> tlsVersions, EapTlsLimits limits, int handshakeThreads, int handshakeQueue, boolean peap,
        ClientCertificateVerifier.OcspMode ocsp, URI ocspResponder, int sessionCacheSize, int sessionCacheSeconds,
        boolean peapFastReconnect, PeapCryptoBinding.Policy peapCryptoBinding) {

    static final String PID = "org.radmfa.eap.tls";
    /** Keys, defaults and descriptions: the component's metatype definition. */
    static final ConfigType TYPE = ConfigType.of(EapTlsComponent.Config.class);
    static final String PASSWORD_KEY = ".keyStorePassword";
    /** Before the key store password became private ({@code .keyStorePassword}); still read, with a warning. */
    static final String LEGACY_PASSWORD_KEY = "keyStorePassword";
    private static final String SEALED_PREFIX = "{aes-gcm}";
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    /** The one place the configuration is checked beyond its types, and its files loaded. */
    static EapTlsSettings read(ConfigReader config, SecretVault vault) throws InvalidConfigurationException {
        String keyStore = config.string("keyStore");
        PrivateKey key;
        X509Certificate[] chain;
        if (!keyStore.isEmpty()) {
            String passwordKey = passwordKey(config);
            char[] password = open(config, vault, passwordKey, config.string(passwordKey, "")).toCharArray();
            KeyStore store;
            try {
                store = KeyStore.getInstance(Path.of(keyStore).toFile(), password);
            } catch (IOException | GeneralSecurityException e) {
                throw config.invalid(e.getCause() instanceof java.security.UnrecoverableKeyException
                        ? passwordKey : "keyStore", "cannot read '" + keyStore + "': " + e.getMessage());
            }
            try {
                String alias = null;
                for (String candidate : Collections.list(store.aliases())) {
                    if (store.isKeyEntry(candidate)) {
                        alias = candidate;
                        break;
                    }
                }
                if (alias == null) {
                    throw config.invalid("keyStore", "'" + keyStore + "' holds no private key");
                }
                key = (PrivateKey) store.getKey(alias, password);
                Certificate[] certificates = store.getCertificateChain(alias);
                chain = new X509Certificate[certificates.length];
                for (int i = 0; i < certificates.length; i++) {
                    chain[i] = (X509Certificate) certificates[i];
                }
            } catch (GeneralSecurityException e) {
                throw config.invalid(passwordKey, "cannot read the key in '" + keyStore + "': "
                        + e.getMessage());
            }
        } else {
            String certificateFile = config.requiredString("certificateFile");
            chain = certificates(config, "certificateFile", certificateFile).toArray(X509Certificate[]::new);
            key = privateKey(config, "privateKeyFile", config.requiredString("privateKeyFile"));
        }
        List<X509Certificate> trusted = certificates(config, "trustedCaFile", config.requiredString("trustedCaFile"));
        List<X509CRL> crls = new ArrayList<>();
        for (String file : config.list("crlFiles")) {
            crls.addAll(crls(config, file));
        }
        List<String> versions = config.list("tlsVersions");
        if (versions.isEmpty()) {
            versions = List.of((String[]) TYPE.defaultValue("tlsVersions"));
        }
        for (String version : versions) {
            if (!version.equals("TLSv1.2") && !version.equals("TLSv1.3")) {
                throw config.invalid("tlsVersions", "'" + version + "' is not one of TLSv1.2, TLSv1.3");
            }
        }
        EapTlsLimits limits = new EapTlsLimits(fragmentSize(config),
                config.integer("maxMessageSize", 4096, 1 << 20), config.integer("maxFragments", 1, 4096),
                config.integer("maxSessions", 1, 1_000_000),
                TimeUnit.SECONDS.toNanos(config.integer("sessionTimeoutSeconds", 1, 600)));
        // The one default the metatype definition cannot state: it depends on the machine.
        return new EapTlsSettings(key, chain, trusted, crls, List.copyOf(versions), limits,
                config.integer("handshakeThreads", Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 256),
                config.integer("handshakeQueue", 1, 100_000), config.bool("peap"), ocsp(config),
                ocspResponder(config), config.integer("sessionCacheSize", 0, 1_000_000),
                config.integer("sessionCacheSeconds", 0, 86_400), config.bool("peapFastReconnect"),
                peapCryptoBinding(config));
    }

    /**
     * The largest fragment whose Access-Challenge fits RADIUS's 4096 octets (RFC 2865 section 3): header 20, State 18,
     * Message-Authenticator 18, and the EAP-Request (6 octets, 4 of TLS Message Length, 3900 of TLS data) in 16
     * EAP-Message attributes (3910 + 32): 3998 octets. The 98 left are for the Proxy-States a proxy adds and the
     * answer must echo (two of up to 47 octets); 3999 and 4000, accepted before, made every server flight a reject.
     */
    static final int MAX_FRAGMENT_SIZE = 3900;

    private static int fragmentSize(ConfigReader config) throws InvalidConfigurationException {
        int size = config.integer("fragmentSize", Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (size > MAX_FRAGMENT_SIZE) {
            throw config.invalid("fragmentSize", size + " is more than " + MAX_FRAGMENT_SIZE + ": an Access-Challenge"
                    + " carrying such a fragment, with its State, Message-Authenticator and room for two Proxy-States,"
                    + " would exceed RADIUS's 4096 octets");
        }
        return config.integer("fragmentSize", 64, MAX_FRAGMENT_SIZE);
    }

    /** {@code .keyStorePassword}, or the key without the dot when only that one is set (a file from before). */
    static String passwordKey(ConfigReader config) {
        return config.string(PASSWORD_KEY).isEmpty() && !config.string(LEGACY_PASSWORD_KEY, "").isEmpty()
                ? LEGACY_PASSWORD_KEY : PASSWORD_KEY;
    }

    private static ClientCertificateVerifier.OcspMode ocsp(ConfigReader config) throws InvalidConfigurationException {
        String mode = config.string("ocsp");
        for (ClientCertificateVerifier.OcspMode candidate : ClientCertificateVerifier.OcspMode.values()) {
            if (candidate.name().equalsIgnoreCase(mode)) {
                return candidate;
            }
        }
        throw config.invalid("ocsp", "'" + mode + "' is not one of off, soft, hard");
    }

    private static PeapCryptoBinding.Policy peapCryptoBinding(ConfigReader config)
            throws InvalidConfigurationException {
        String policy = config.string("peapCryptoBinding");
        for (PeapCryptoBinding.Policy candidate : PeapCryptoBinding.Policy.values()) {
            if (candidate.name().equalsIgnoreCase(policy)) {
                return candidate;
            }
        }
        throw config.invalid("peapCryptoBinding", "'" + policy + "' is not one of optional, required");
    }

    private static URI ocspResponder(ConfigReader config) throws InvalidConfigurationException {
        String url = config.string("ocspResponder");
        if (url.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw config.invalid("ocspResponder", "'" + url + "' is not an http:// URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw config.invalid("ocspResponder", "'" + url + "' is not a URL: " + e.getMessage());
        }
    }

    /** A secret as configured: sealed by the vault ({aes-gcm}...) or, discouraged, in clear. */
    private static String open(ConfigReader config, SecretVault vault, String key, String value)
            throws InvalidConfigurationException {
        if (!value.startsWith(SEALED_PREFIX)) {
            return value;
        }
        if (vault == null) {
            throw config.invalid(key, "is sealed ({aes-gcm}...) but no secret vault is running (feature radmfa-vault)");
        }
        try {
            return vault.open(value);
        } catch (IllegalArgumentException e) {
            throw config.invalid(key, "cannot be opened by the vault: " + e.getMessage());
        }
    }

    private static byte[] file(ConfigReader config, String key, String path) throws InvalidConfigurationException {
        try {
            return Files.readAllBytes(Path.of(path));
        } catch (IOException | RuntimeException e) {
            throw config.invalid(key, "cannot read '" + path + "': " + e.getMessage());
        }
    }

    static List<X509Certificate> certificates(ConfigReader config, String key, String path)
            throws InvalidConfigurationException {
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(file(config, key, path)))) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw config.invalid(key, "'" + path + "' holds no certificate");
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw config.invalid(key, "'" + path + "' is not a PEM or DER certificate file: " + e.getMessage());
        }
    }

    private static List<X509CRL> crls(ConfigReader config, String path) throws InvalidConfigurationException {
        try {
            List<X509CRL> crls = new ArrayList<>();
            CertificateFactory.getInstance("X.509")
                    .generateCRLs(new ByteArrayInputStream(file(config, "crlFiles", path)))
                    .forEach(crl -> crls.add((X509CRL) crl));
            if (crls.isEmpty()) {
                throw config.invalid("crlFiles", "'" + path + "' holds no CRL");
            }
            return crls;
        } catch (GeneralSecurityException e) {
            throw config.invalid("crlFiles", "'" + path + "' is not a PEM or DER CRL: " + e.getMessage());
        }
    }

    /** An unencrypted PEM key: PKCS#8 (BEGIN PRIVATE KEY, RSA or EC) or PKCS#1 (BEGIN RSA PRIVATE KEY). */
    private static PrivateKey privateKey(ConfigReader config, String key, String path)
            throws InvalidConfigurationException {
        Matcher pem = PEM.matcher(new String(file(config, key, path), StandardCharsets.US_ASCII));
        if (!pem.find()) {
            throw config.invalid(key, "'" + path + "' holds no PEM private key");
        }
        String label = pem.group(1);
        byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
        try {
            if (label.equals("RSA PRIVATE KEY")) {
                der = new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                        RSAPrivateKey.getInstance(der)).getEncoded();
            } else if (!label.equals("PRIVATE KEY")) {
                throw config.invalid(key, "'" + path + "' holds a " + label + "; give an unencrypted PKCS#8 key"
                        + " (openssl pkcs8 -topk8 -nocrypt) or a PKCS#12 keyStore with a sealed password");
            }
            for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                } catch (GeneralSecurityException e) {
                    // try the next algorithm
                }
            }
        } catch (IOException | RuntimeException e) {
            throw config.invalid(key, "'" + path + "' is not a readable private key: " + e.getMessage());
        }
        throw config.invalid(key, "'" + path + "' is not an RSA, EC or Ed25519 private key");
    }

    @Override
    public String toString() {
        return "server certificate " + chain[0].getSubjectX500Principal().getName() + " (expires "
                + chain[0].getNotAfter().toInstant() + "), " + trustedCas.size() + " trusted CA(s), " + crls.size()
                + " CRL(s), OCSP " + ocsp.name().toLowerCase(java.util.Locale.ROOT) + (ocspResponder == null ? ""
                : " (" + ocspResponder + ")") + ", " + tlsVersions + (peap ? ", PEAP offered" : "") + ", " + limits + ", " + handshakeThreads
                + " handshake thread(s), " + (sessionCacheSize > 0 && sessionCacheSeconds > 0 ? "session resumption"
                        + " (" + sessionCacheSize + " sessions for " + sessionCacheSeconds + " s)" : "no session resumption")
                + (peap ? (peapFastReconnect ? ", PEAP fast reconnect" : ", no PEAP fast reconnect") : "")
                + (peap ? ", PEAP crypto binding " + peapCryptoBinding.name().toLowerCase(java.util.Locale.ROOT) : "");
    }
}
