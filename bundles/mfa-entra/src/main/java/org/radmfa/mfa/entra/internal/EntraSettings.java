package org.radmfa.mfa.entra.internal;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.radmfa.api.SecretVault;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.IClientCredential;

/**
 * The Entra connector's settings, read strictly from {@code etc/org.radmfa.mfa.entra.cfg}: URLs, the credential
 * (secret or certificate, loaded now so that a wrong path or password is refused with its key rather than at the first
 * login) and the trust store. {@link #toString()} never shows a secret.
 *
 * @param credentialExpiry when the client secret or certificate stops working; null when unknown (a secret without
 *     {@code clientSecretExpires})
 * @param serviceUrl the MFA connector service the calls go to ({@code .../StrongAuthenticationService.svc/Connector})
 * @param resource the token's resource (audience); the scope asked for is {@code <resource>/.default}
 * @param sslContext TLS for MSAL and every call of this connector: the configured trust store or the JRE's CAs
 * @param authenticationMethodId the method Begin asks for, or empty for the user's default method
 */
record EntraSettings(String tenantId, String clientId, Credential credential, Instant credentialExpiry,
        URI authority, URI serviceUrl, URI resource, URI graphBaseUrl, SSLContext sslContext, String trustStore,
        UserLookup userLookup, boolean requireUserMatch, String authenticationMethodId,
        boolean overrideNumberMatchingWithOtp, String challengePrompt, String lcid, String callerName,
        int pollIntervalMillis, int requestTimeoutMillis, int credentialExpiryWarningDays,
        int maxConcurrentRequests, WaitMode waitMode, int maxHeldCalls) {

    /** "Azure Multi-Factor Auth Client": the service principal the NPS extension signs in as, in every tenant. */
    static final String MFA_CLIENT_APP_ID = "981f26a1-7f43-403b-a875-f8b09b8cd720";
    /** "Azure Multi-Factor Auth Connector": the resource the token is for. */
    static final String MFA_CONNECTOR_APP_ID = "1f5530b3-261a-47a9-b357-ded261e17918";
    static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";
    static final String DEFAULT_SERVICE = "https://strongauthenticationservice.auth.microsoft.com"
            + "/StrongAuthenticationService.svc/Connector";
    static final String DEFAULT_RESOURCE = "https://adnotifications.windowsazure.com"
            + "/StrongAuthenticationService.svc/Connector";
    static final String DEFAULT_GRAPH = "https://graph.microsoft.com";
    static final String DEFAULT_PROMPT = "Enter the code from Microsoft Authenticator";
    /** Keys, defaults and descriptions: the connector's metatype definition. */
    static final ConfigType TYPE = ConfigType.of(EntraConnector.Config.class);
    /** Before the client secret became private ({@code .clientSecret}); still read, with a warning. */
    static final String LEGACY_CLIENT_SECRET_KEY = "clientSecret";
    /** Before the certificate password became private ({@code .certificatePassword}); still read, with a warning. */
    static final String LEGACY_CERTIFICATE_PASSWORD_KEY = "certificatePassword";
    /** The service property Karaf's feature sets on the configuration; not the administrator's. */
    static final String CONNECTOR_PROPERTY = "connector";
    /** Keys of the connector's first versions, which spoke a relay contract of its own. */
    static final Set<String> RETIRED_KEYS = Set.of("mfaEndpoint", "method");
    /** A tenant GUID or a verified domain name (contoso.onmicrosoft.com). */
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}");
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
    private static final Pattern METHOD_ID = Pattern.compile("[A-Za-z]{0,64}");
    private static final Pattern LCID = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*");
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    /** Prefix of a value sealed by the appliance's {@link SecretVault}. */
    private static final String SEALED_PREFIX = "{aes-gcm}";

    /** The application's credential, as MSAL takes it, and how it is described in logs. */
    record Credential(IClientCredential msal, String description) {
        @Override
        public String toString() {
            return description;
        }
    }

    /** How a login waits for the user's answer. */
    enum WaitMode {
        /** Begin with SyncCall=false, then End every pollIntervalMillis. */
        POLL("poll"),
        /** Begin with SyncCall=true held until the user answers, over HTTP/2; polling where that cannot be. */
        SYNC("sync");

        final String key;

        WaitMode(String key) {
            this.key = key;
        }
    }

    /** How the RADIUS user name becomes the userPrincipalName sent to the MFA service. */
    enum UserLookup {
        /** The name is the userPrincipalName; no Graph call (as the NPS extension without alternate login id). */
        UPN("upn"),
        /** Graph {@code $filter=onPremisesSamAccountName eq 'name'} (a DOMAIN\ prefix or @suffix is removed first). */
        SAM_ACCOUNT_NAME("samAccountName"),
        /** Graph {@code $filter=mail eq 'name'}. */
        MAIL("mail");

        final String key;

        UserLookup(String key) {
            this.key = key;
        }
    }

    static EntraSettings read(Map<String, ?> properties, SecretVault vault) throws InvalidConfigurationException {
        ConfigReader config = TYPE.read(properties);
        String tenantId = config.requiredString("tenantId");
        if (!TENANT.matcher(tenantId).matches()) {
            throw config.invalid("tenantId", "'" + tenantId + "' is neither a tenant GUID nor a domain name");
        }
        String clientId = config.string("clientId");
        if (!CLIENT_ID.matcher(clientId).matches()) {
            throw config.invalid("clientId", "'" + clientId + "' is not an application (client) id");
        }
        URI authority = httpsUrl(config, "authority");
        URI service = httpsUrl(config, "serviceUrl");
        URI resource = httpsUrl(config, "resource");
        URI graph = httpsUrl(config, "graphBaseUrl");

        String secretKey = secretKey(config, ".clientSecret", LEGACY_CLIENT_SECRET_KEY);
        String secret = config.string(secretKey, "");
        String certificatePath = config.string("certificatePath");
        Credential credential;
        Instant expiry;
        if (!secret.isEmpty() && !certificatePath.isEmpty()) {
            throw config.invalid("certificatePath", "give either .clientSecret or certificatePath, not both");
        } else if (!certificatePath.isEmpty()) {
            if (!config.string("clientSecretExpires").isEmpty()) {
                throw config.invalid("clientSecretExpires", "applies to .clientSecret only; a certificate's"
                        + " expiry is read from the certificate");
            }
            String passwordKey = secretKey(config, ".certificatePassword", LEGACY_CERTIFICATE_PASSWORD_KEY);
            String password = open(config, vault, passwordKey, config.string(passwordKey, ""));
            X509Certificate[] chain = new X509Certificate[1];
            credential = certificate(config, certificatePath, passwordKey, password, chain);
            expiry = chain[0].getNotAfter().toInstant();
        } else if (!secret.isEmpty()) {
            credential = new Credential(ClientCredentialFactory.createFromSecret(open(config, vault, secretKey,
                    secret)), "client secret");
            expiry = secretExpiry(config);
        } else {
            throw config.invalid("certificatePath", "is required unless .clientSecret is set (radmfa:entra-setup"
                    + " makes the certificate)");
        }

        String methodId = config.string("authenticationMethodId");
        if (!METHOD_ID.matcher(methodId).matches()) {
            throw config.invalid("authenticationMethodId", "'" + methodId + "' is not a method id such as"
                    + " PhoneAppNotification, PhoneAppOTP or TwoWayVoiceMobile");
        }
        String lcid = config.string("lcid");
        if (!LCID.matcher(lcid).matches()) {
            throw config.invalid("lcid", "'" + lcid + "' is not a language tag such as en-us");
        }
        String trustStore = config.string("trustStore");
        SSLContext sslContext = sslContext(config, trustStore);
        return new EntraSettings(tenantId, clientId, credential, expiry, authority, service, resource, graph,
                sslContext, trustStore, choice(config, "userLookup", UserLookup.values()),
                config.bool("requireUserMatch"), methodId, config.bool("overrideNumberMatchingWithOtp"),
                config.string("challengePrompt"), lcid, config.string("callerName"),
                config.integer("pollIntervalMillis", 100, 60_000),
                config.integer("requestTimeoutMillis", 100, 120_000),
                config.integer("credentialExpiryWarningDays", 0, 3650),
                config.integer("maxConcurrentRequests", 1, 1024), choice(config, "waitMode", WaitMode.values()),
                config.integer("maxHeldCalls", 0, 1_000_000));
    }

    /** The private key of a secret, or its legacy key (without the dot) when only that one is set. */
    private static String secretKey(ConfigReader config, String key, String legacyKey) {
        return config.string(key).isEmpty() && !config.string(legacyKey, "").isEmpty() ? legacyKey : key;
    }

    /** {@code <authority>/<tenantId>/}, as MSAL takes it. */
    String tenantAuthority() {
        return authority + "/" + tenantId + "/";
    }

    /** The scope of the token for the MFA service: its resource, v2 style. */
    String scope() {
        return resource + "/.default";
    }

    /** The scope of the token for Graph, asked for only when a user must be looked up there. */
    String graphScope() {
        return graphBaseUrl + "/.default";
    }

    /** Where Begin and End go (End goes to Begin's AffinityUrl instead when it gives one). */
    URI operation(String name) {
        return URI.create(serviceUrl + "/" + name);
    }

    private static URI httpsUrl(ConfigReader config, String key) throws InvalidConfigurationException {
        String text = config.string(key);
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw config.invalid(key, "'" + text + "' is not a URL: " + e.getMessage());
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw config.invalid(key, "'" + text + "' must be an https:// URL with a host (tokens travel on it)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw config.invalid(key, "'" + text + "': give only scheme, host, port and path");
        }
        return uri;
    }

    private static <E extends Enum<E>> E choice(ConfigReader config, String key, E[] values)
            throws InvalidConfigurationException {
        String text = config.string(key);
        List<String> names = new ArrayList<>();
        for (E value : values) {
            String name = value instanceof UserLookup lookup ? lookup.key : ((WaitMode) value).key;
            if (name.equalsIgnoreCase(text)) {
                return value;
            }
            names.add(name);
        }
        throw config.invalid(key, "'" + text + "' is not one of " + String.join(", ", names));
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

    private static Instant secretExpiry(ConfigReader config) throws InvalidConfigurationException {
        String text = config.string("clientSecretExpires");
        if (text.isEmpty()) {
            return null;
        }
        try {
            // A secret made in the Entra portal expires at the start of the day shown (UTC).
            return text.length() <= 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw config.invalid("clientSecretExpires", "'" + text + "' is not an ISO date (2026-12-31) or instant");
        }
    }

    /** Loads a PKCS#12 file or a PEM file holding the certificate (chain) and an unencrypted PKCS#8 RSA key. */
    private static Credential certificate(ConfigReader config, String path, String passwordKey, String password,
            X509Certificate[] leaf) throws InvalidConfigurationException {
        File file = new File(path);
        if (!file.isFile()) {
            throw config.invalid("certificatePath", "file '" + path + "' does not exist");
        }
        byte[] content;
        try {
            content = Files.readAllBytes(file.toPath());
        } catch (IOException e) {
            throw config.invalid("certificatePath", "cannot read '" + path + "': " + e.getMessage());
        }
        String text = new String(content, StandardCharsets.US_ASCII);
        PrivateKey key;
        List<X509Certificate> chain = new ArrayList<>();
        if (text.contains("-----BEGIN ")) {
            key = pem(config, path, text, chain);
        } else {
            key = pkcs12(config, path, passwordKey, password, chain);
        }
        if (!(key instanceof RSAPrivateKey)) {
            throw config.invalid("certificatePath", "'" + path + "' holds a " + key.getAlgorithm()
                    + " key; Entra ID certificate credentials are RSA");
        }
        leaf[0] = chain.get(0);
        String description = "certificate " + chain.get(0).getSubjectX500Principal().getName() + " (serial "
                + chain.get(0).getSerialNumber().toString(16) + ")";
        return new Credential(ClientCredentialFactory.createFromCertificateChain(key, chain), description);
    }

    private static PrivateKey pkcs12(ConfigReader config, String path, String passwordKey, String password,
            List<X509Certificate> chain) throws InvalidConfigurationException {
        char[] secret = password.toCharArray();
        try {
            KeyStore store = KeyStore.getInstance(new File(path), secret);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    for (Certificate certificate : store.getCertificateChain(alias)) {
                        chain.add((X509Certificate) certificate);
                    }
                    return (PrivateKey) store.getKey(alias, secret);
                }
            }
        } catch (IOException e) {
            throw config.invalid(e.getCause() instanceof UnrecoverableKeyException ? passwordKey
                    : "certificatePath", "cannot read '" + path + "' as PKCS#12: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw config.invalid(e instanceof UnrecoverableKeyException ? passwordKey : "certificatePath",
                    "cannot read '" + path + "' as PKCS#12: " + e.getMessage());
        }
        throw config.invalid("certificatePath", "'" + path + "' holds no private key with its certificate");
    }

    private static PrivateKey pem(ConfigReader config, String path, String text, List<X509Certificate> chain)
            throws InvalidConfigurationException {
        PrivateKey key = null;
        Matcher matcher = PEM.matcher(text);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (matcher.find()) {
                byte[] der = Base64.getMimeDecoder().decode(matcher.group(2));
                switch (matcher.group(1)) {
                    case "CERTIFICATE" -> chain.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(der)));
                    case "PRIVATE KEY" -> key = pkcs8(der);
                    case "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw config.invalid("certificatePath",
                            "'" + path + "' holds a " + matcher.group(1).toLowerCase(Locale.ROOT) + "; convert it to"
                                    + " PKCS#12 (openssl pkcs12 -export) or to an unencrypted PKCS#8 key (openssl"
                                    + " pkcs8 -topk8 -nocrypt) in a file readable by the appliance only");
                    default -> {
                        // other blocks (parameters) are not needed
                    }
                }
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // IllegalArgumentException: base64 the decoder refuses (a character lost or added)
            throw config.invalid("certificatePath", "cannot read '" + path + "' as PEM: " + e.getMessage());
        }
        if (key == null || chain.isEmpty()) {
            throw config.invalid("certificatePath", "'" + path + "' must hold a CERTIFICATE and a PRIVATE KEY block");
        }
        return key;
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        }
    }

    /** Loads the trust store now, so that a wrong path or password is refused with the key, not at first login. */
    private static SSLContext sslContext(ConfigReader config, String path) throws InvalidConfigurationException {
        try {
            if (path.isEmpty()) {
                return SSLContext.getDefault();
            }
            File file = new File(path);
            if (!file.isFile()) {
                throw config.invalid("trustStore", "file '" + path + "' does not exist");
            }
            String password = config.string("trustStorePassword");
            KeyStore store;
            try {
                store = KeyStore.getInstance(file, password.isEmpty() ? null : password.toCharArray());
            } catch (IOException e) {
                throw config.invalid(e.getCause() instanceof UnrecoverableKeyException ? "trustStorePassword"
                        : "trustStore", "cannot read '" + path + "': " + e.getMessage());
            }
            if (store.size() == 0) {
                throw config.invalid("trustStore", "'" + path + "' holds no certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw config.invalid("trustStore", "no TLS context: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "tenant " + tenantId + ", client " + clientId + " with " + credential
                + (credentialExpiry == null ? "" : " expiring " + credentialExpiry) + ", authority " + authority
                + ", MFA service " + serviceUrl + " (token for " + resource + ")"
                + (userLookup == UserLookup.UPN ? "" : ", Graph " + graphBaseUrl)
                + ", method " + (authenticationMethodId.isEmpty() ? "the user's default" : authenticationMethodId)
                + (overrideNumberMatchingWithOtp ? " (one-time code instead of number matching for PAP)" : "")
                + ", userLookup " + userLookup.key + ", requireUserMatch " + requireUserMatch
                + ", poll every " + pollIntervalMillis + " ms, at most " + maxConcurrentRequests
                + " concurrent requests, wait " + waitMode.key
                + (waitMode == WaitMode.SYNC ? " (at most " + maxHeldCalls + " held Begins)" : "")
                + (trustStore.isEmpty() ? "" : ", trust store " + trustStore);
    }
}
