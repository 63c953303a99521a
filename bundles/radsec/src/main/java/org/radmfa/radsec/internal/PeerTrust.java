package org.radmfa.radsec.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.radmfa.api.config.TlsFiles;

/**
 * The listener's {@code trustedCa} as a check of its own, apart from the TLS engine: a connection made under an
 * earlier {@code trustedCa} is judged again with it when the file changes (the engine only judges at the handshake).
 */
final class PeerTrust {
    private final X509TrustManager trustManager;

    private PeerTrust(X509TrustManager trustManager) {
        this.trustManager = trustManager;
    }

    /** @throws GeneralSecurityException or {@link IOException} when the file holds no usable CA certificate */
    static PeerTrust load(Path trustedCa) throws GeneralSecurityException, IOException {
        List<X509Certificate> cas = TlsFiles.certificates(trustedCa);
        if (cas.isEmpty()) {
            throw new GeneralSecurityException(trustedCa + " holds no PEM certificate");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return new PeerTrust(x509);
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager for " + trustedCa);
    }

    /**
     * Why a client's certificate chain, as it presented it, is not trusted as a TLS client's (CA, validity, key
     * usage); null when it is.
     */
    String problem(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return "no certificate";
        }
        try {
            // The JDK's client check reads the key's algorithm as the authentication type only to require one.
            trustManager.checkClientTrusted(chain, chain[0].getPublicKey().getAlgorithm());
            return null;
        } catch (CertificateException | IllegalArgumentException e) {
            return String.valueOf(e.getMessage());
        }
    }
}
