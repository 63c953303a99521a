package org.radmfa.audit.syslog.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;

/**
 * One syslog destination's configuration, read strictly: a wrong path, an unreadable certificate or key, an unknown
 * facility is refused with its key when the file is read, not when the first message is sent. Relative file names
 * are in the Karaf etc folder. {@link #toString()} shows no key material.
 */
record SyslogSettings(String name, String host, int port, SSLContext tls, boolean verifyHostname,
        List<String> tlsVersions, int facility, String hostname, String appName, String structuredDataId,
        boolean decisions, boolean accounting, int queueCapacity, int connectTimeoutMillis, Backoff backoff) {

    static final String PID = "org.radmfa.audit.syslog";
    /** Keys, defaults and descriptions: the component's metatype definition. */
    static final ConfigType TYPE = ConfigType.of(SyslogAudit.Config.class);
    /** Syslog over plain TCP's port (RFC 6587); the definition's default is TLS's 6514 (RFC 5425). */
    static final int PLAIN_TCP_PORT = 514;
    private static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
            "news", "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2",
            "local3", "local4", "local5", "local6", "local7");
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    /** The one place the configuration is checked beyond its types, and its files loaded. */
    static SyslogSettings parse(Map<String, ?> properties) throws InvalidConfigurationException {
        ConfigReader config = TYPE.read(properties);
        // Two defaults the definition cannot state: the name comes from the file name, the port from tls.
        String name = config.string("name", nameOf(properties));
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw config.invalid("name", "'" + name + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        String host = config.requiredString("host");
        boolean tls = config.bool("tls");
        int port = tls ? config.integer("port", 1, 65535) : config.integer("port", PLAIN_TCP_PORT, 1, 65535);
        List<String> versions = config.list("tlsVersions");
        if (versions.isEmpty()) {
            versions = List.of(TYPE.defaultValue("tlsVersions").toString().split(","));
        }
        for (String version : versions) {
            if (!version.equals("TLSv1.3") && !version.equals("TLSv1.2")) {
                throw config.invalid("tlsVersions", "'" + version + "' is not TLSv1.3 or TLSv1.2");
            }
        }
        SSLContext context = tls ? sslContext(config) : null;
        if (!tls && (!config.string("caFile").isEmpty() || !config.string("certificateFile").isEmpty())) {
            throw config.invalid("tls", "is false, yet certificates are configured: set tls = true or remove them");
        }
        String facilityName = config.string("facility").toLowerCase(Locale.ROOT);
        int facility = facilityName.matches("[0-9]{1,2}") ? Integer.parseInt(facilityName)
                : FACILITIES.indexOf(facilityName);
        if (facility < 0 || facility > 23) {
            throw config.invalid("facility", "'" + facilityName + "' is not a syslog facility (" + String.join(", ",
                    FACILITIES) + " or 0..23)");
        }
        String structuredDataId = config.string("structuredDataId");
        if (!structuredDataId.contains("@") || !Rfc5424.validName(structuredDataId)) {
            throw config.invalid("structuredDataId", "'" + structuredDataId + "' is not an SD-ID of the form"
                    + " name@enterprise-number, at most 32 characters in all (RFC 5424 sections 6.3.2, 7.2.2)");
        }
        String hostname = config.string("hostname");
        boolean decisions = config.bool("decisions");
        boolean accounting = config.bool("accounting");
        if (!decisions && !accounting) {
            throw config.invalid("decisions", "and 'accounting' are both false: nothing would be sent");
        }
        int reconnectMax = config.integer("reconnectMaxSeconds", 1, 3600);
        return new SyslogSettings(name, host, port, context, config.bool("verifyHostname"), List.copyOf(versions),
                facility, hostname.isEmpty() ? localHostName() : hostname, config.string("appName"),
                structuredDataId, decisions, accounting, config.integer("queueCapacity", 1, 10_000_000),
                config.integer("connectTimeoutSeconds", 1, 300) * 1000,
                new Backoff(Math.min(500, reconnectMax * 1000L), reconnectMax * 1000L));
    }

    /** The trusted CAs (required: a collector is never trusted by default) and, optionally, our own certificate. */
    private static SSLContext sslContext(ConfigReader config) throws InvalidConfigurationException {
        String caFile = config.string("caFile");
        if (caFile.isEmpty()) {
            throw config.invalid("caFile", "is required with tls = true: the PEM file of the CA(s) that signed the"
                    + " collector's certificate");
        }
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate ca : certificates(config, "caFile", caFile)) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);

            String certificateFile = config.string("certificateFile");
            String keyFile = config.string("privateKeyFile");
            if (certificateFile.isEmpty() != keyFile.isEmpty()) {
                throw config.invalid(certificateFile.isEmpty() ? "certificateFile" : "privateKeyFile",
                        "is needed too: a client certificate goes with its private key");
            }
            KeyManagerFactory keyManagers = null;
            if (!certificateFile.isEmpty()) {
                List<Certificate> chain = certificates(config, "certificateFile", certificateFile);
                char[] password = new char[0];
                KeyStore identity = KeyStore.getInstance("PKCS12");
                identity.load(null, null);
                identity.setKeyEntry("client", privateKey(config, keyFile), password,
                        chain.toArray(new Certificate[0]));
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(identity, password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw config.invalid("caFile", "cannot make a TLS context: " + e.getMessage());
        }
    }

    private static List<Certificate> certificates(ConfigReader config, String key, String file)
            throws InvalidConfigurationException {
        try {
            List<Certificate> certificates = new ArrayList<>(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(read(config, key, file))));
            if (certificates.isEmpty()) {
                throw config.invalid(key, "'" + file + "' holds no certificate");
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw config.invalid(key, "'" + file + "' is not a PEM or DER certificate file: " + e.getMessage());
        }
    }

    /** An unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY), RSA, EC or Ed25519; its content never goes to a log. */
    private static PrivateKey privateKey(ConfigReader config, String file) throws InvalidConfigurationException {
        Matcher pem = PEM_KEY.matcher(new String(read(config, "privateKeyFile", file), StandardCharsets.US_ASCII));
        if (!pem.find()) {
            throw config.invalid("privateKeyFile", "'" + file + "' holds no PEM private key");
        }
        if (!pem.group(1).equals("PRIVATE KEY")) {
            throw config.invalid("privateKeyFile", "'" + file + "' holds a " + pem.group(1) + "; give an unencrypted"
                    + " PKCS#8 key (openssl pkcs8 -topk8 -nocrypt) readable by the radmfa user only");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw config.invalid("privateKeyFile", "'" + file + "' is not an RSA, EC or Ed25519 private key");
    }

    private static byte[] read(ConfigReader config, String key, String file) throws InvalidConfigurationException {
        Path path = Path.of(file);
        if (!path.isAbsolute()) {
            path = Path.of(System.getProperty("karaf.etc", "etc")).resolve(path);
        }
        try {
            return Files.readAllBytes(path);
        } catch (IOException | RuntimeException e) {
            throw config.invalid(key, "cannot read '" + path + "': " + e);
        }
    }

    /** The name after the factory PID in the file name ({@code org.radmfa.audit.syslog-siem.cfg}: "siem"). */
    private static String nameOf(Map<String, ?> properties) {
        String source = ConfigReader.sourceOf(properties);
        String prefix = "etc/" + PID + "-";
        if (source.startsWith(prefix) && source.endsWith(".cfg")) {
            return source.substring(prefix.length(), source.length() - ".cfg".length());
        }
        Object servicePid = properties.get("service.pid");
        if (properties.get("service.factoryPid") != null && servicePid != null
                && servicePid.toString().length() > PID.length() + 1) {
            return servicePid.toString().substring(PID.length() + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        }
        return "default";
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "radmfa";
        }
    }

    SyslogSender.Connector connector() {
        return new SocketConnector(host, port, tls, verifyHostname, tlsVersions.toArray(new String[0]),
                connectTimeoutMillis);
    }

    /** What goes on the wire and where: a change of any of these needs a new sender. */
    String destination() {
        return (tls == null ? "tcp://" : "tls://") + host + ":" + port;
    }

    @Override
    public String toString() {
        return destination() + (tls != null && !verifyHostname ? " (host name not verified)" : "") + ", facility "
                + facility + ", SD-ID " + structuredDataId + (decisions ? ", decisions" : "")
                + (accounting ? ", accounting" : "") + ", buffer " + queueCapacity;
    }
}
