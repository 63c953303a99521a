package org.radmfa.proxy.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Locale;

import javax.net.ssl.SSLContext;

import org.radmfa.api.SecretVault;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.radmfa.api.config.TlsFiles;

/**
 * A remote server reached over RadSec (RADIUS over TLS, RFC 6614) instead of UDP: {@code transport = radsec} and
 * the {@code tls.*} keys of its configuration. Read apart from the UDP settings so that the definition's typed
 * configuration stays as it is.
 *
 * @param certificate the appliance's client certificate: PKCS#12, or PEM with {@code privateKey}
 * @param privateKey the PEM private key, or null
 * @param password of the PKCS#12 file or encrypted key (opened from the vault); never printed
 * @param trustedCa PEM CA certificates the remote server's certificate must chain to
 * @param verifyHostname whether the remote certificate must name the configured address (RFC 6125)
 */
record RadSecSettings(Path certificate, Path privateKey, String password, Path trustedCa, boolean verifyHostname) {
    static final String SEALED = "{aes-gcm}";
    /** RFC 6614 section 2.3: over TLS the shared secret is "radsec". */
    static final String SECRET = "radsec";
    static final int PORT = 2083;

    /** Loads the key material; the configuration has been checked to load it once already. */
    SSLContext context() throws GeneralSecurityException, IOException {
        return TlsFiles.context(certificate, privateKey, password, trustedCa);
    }

    /** The RadSec settings of a server definition, or null when it is reached over UDP. */
    static RadSecSettings parse(ConfigReader source, SecretVault vault) throws InvalidConfigurationException {
        String transport = source.string("transport", "udp").toLowerCase(Locale.ROOT);
        if (transport.equals("udp")) {
            return null;
        }
        if (!transport.equals("radsec")) {
            throw source.invalid("transport", "'" + transport + "' is neither udp nor radsec");
        }
        String password = source.string("tls.password", "");
        if (password.startsWith(SEALED)) {
            if (vault == null) {
                throw source.waitsForVault("tls.password");
            }
            try {
                password = vault.open(password);
            } catch (IllegalArgumentException e) {
                throw source.invalid("tls.password", "cannot be opened by this appliance's vault");
            }
        }
        RadSecSettings settings = new RadSecSettings(file(source, "tls.certificate", true),
                file(source, "tls.privateKey", false), password, file(source, "tls.trustedCa", true),
                source.bool("tls.verifyHostname", true));
        try {
            settings.context();
        } catch (GeneralSecurityException | IOException e) {
            throw source.invalid("tls.certificate", "the key material does not load: " + e.getMessage());
        }
        return settings;
    }

    private static Path file(ConfigReader source, String key, boolean required) throws InvalidConfigurationException {
        String value = source.string(key, "");
        if (value.isEmpty()) {
            if (required) {
                throw source.invalid(key, "is required with transport = radsec");
            }
            return null;
        }
        Path path = Path.of(value);
        if (!path.isAbsolute()) {
            path = Path.of(System.getProperty("karaf.etc", "etc")).resolve(path);
        }
        if (!Files.isReadable(path)) {
            throw source.invalid(key, path + " does not exist or cannot be read");
        }
        return path;
    }

    @Override
    public String toString() {
        return "RadSec[certificate=" + certificate + ", trustedCa=" + trustedCa + ", verifyHostname="
                + verifyHostname + "]";
    }
}
