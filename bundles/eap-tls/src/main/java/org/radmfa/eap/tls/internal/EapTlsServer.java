package org.radmfa.eap.tls.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Vector;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The server side of one EAP-TLS handshake on BouncyCastle's TLS API: it presents the configured certificate,
 * requires a client certificate the {@link ClientCertificateVerifier} accepts, and takes the EAP key material from
 * the TLS exporter when the handshake completes, the only moment BouncyCastle allows it for TLS 1.2 (it keeps no
 * master secret afterwards). Java 17's SSLEngine has no exporter at all (RFC 5705; JDK 25 adds one).
 */
final class EapTlsServer extends DefaultTlsServer {
    /** RFC 5216 section 2.3. */
    static final String TLS12_LABEL = "client EAP encryption";
    /** RFC 9190 section 2.3. */
    static final String TLS13_LABEL = "EXPORTER_EAP_TLS_Key_Material";

    /** What the server presents and trusts: one per configuration, shared by every handshake. */
    record Identity(JcaTlsCrypto crypto, PrivateKey key, TlsCertificate[] chain, boolean rsa,
            ClientCertificateVerifier verifier, List<X500Name> authorities, ProtocolVersion[] versions,
            TlsSessionCache sessions) {

        Identity {
            sessions = sessions != null ? sessions : new TlsSessionCache(0, 0, System::nanoTime);
        }

        /**
         * The same server for PEAP: no client certificate asked for, TLS 1.2 only (PEAPv0 as Windows speaks it), and
         * sessions of its own.
         */
        Identity forPeap(TlsSessionCache peapSessions) {
            return new Identity(crypto, key, chain, rsa, null, authorities,
                    new ProtocolVersion[] {ProtocolVersion.TLSv12}, peapSessions);
        }
    }

    private final Identity identity;
    private final int eapType;
    private X509Certificate peer;
    private byte[] keyMaterial;
    private String refusal;
    private boolean resumed;

    EapTlsServer(Identity identity, int eapType) {
        super(identity.crypto());
        this.identity = identity;
        this.eapType = eapType;
    }

    /** The peer's certificate once verified, else null. */
    X509Certificate peer() {
        return peer;
    }

    /** The 128 octets of EAP key material (MSK then EMSK) once the handshake is complete, else null. */
    byte[] keyMaterial() {
        return keyMaterial;
    }

    /** Why the client certificate was refused, if it was. */
    String refusal() {
        return refusal;
    }

    /** Whether the handshake resumed a cached session (RFC 5246 section 7.3, an abbreviated handshake). */
    boolean resumed() {
        return resumed;
    }

    /** The session of the finished handshake, which a later one may resume. */
    TlsSession session() {
        return context.getSession();
    }

    /** A session ID makes the session resumable (TLS 1.2); none when the cache is off. */
    @Override
    public byte[] getNewSessionID() {
        if (identity.sessions() == null || !identity.sessions().enabled()) {
            return null;
        }
        byte[] id = new byte[32];
        context.getCrypto().getSecureRandom().nextBytes(id);
        return id;
    }

    @Override
    public TlsSession getSessionToResume(byte[] sessionID) {
        TlsSessionCache.Entry entry = identity.sessions() == null ? null : identity.sessions().get(sessionID);
        return entry == null ? null : entry.session();
    }

    /** The negotiated version, as "TLS 1.2" or "TLS 1.3". */
    String protocol() {
        return context.getServerVersion() == null ? "TLS" : context.getServerVersion().getName();
    }

    boolean tls13() {
        return TlsUtils.isTLSv13(context);
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return identity.versions().clone();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        int[] tls13 = {CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384,
            CipherSuite.TLS_CHACHA20_POLY1305_SHA256};
        int[] tls12 = identity.rsa()
                ? new int[] {CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                    CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                    CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
                    CipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384}
                : new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                    CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256};
        int[] all = new int[tls13.length + tls12.length];
        System.arraycopy(tls13, 0, all, 0, tls13.length);
        System.arraycopy(tls12, 0, all, tls13.length, tls12.length);
        return TlsUtils.getSupportedCipherSuites(getCrypto(), all);
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        Certificate chain;
        if (TlsUtils.isTLSv13(context)) {
            CertificateEntry[] entries = new CertificateEntry[identity.chain().length];
            for (int i = 0; i < entries.length; i++) {
                entries[i] = new CertificateEntry(identity.chain()[i], null);
            }
            chain = new Certificate(TlsUtils.EMPTY_BYTES, entries);
        } else {
            chain = new Certificate(identity.chain());
        }
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), identity.crypto(),
                identity.key(), chain, signatureAlgorithm());
    }

    /** The first of the server's preferred signature schemes that the client offers (RFC 8446 section 4.2.3). */
    private SignatureAndHashAlgorithm signatureAlgorithm() throws IOException {
        boolean tls13 = TlsUtils.isTLSv13(context);
        List<SignatureAndHashAlgorithm> preferred = identity.rsa()
                ? List.of(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256, SignatureAndHashAlgorithm.rsa_pss_rsae_sha384,
                        SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
                        SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.rsa))
                : List.of(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
                        SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa));
        Vector<?> offered = context.getSecurityParametersHandshake().getClientSigAlgs();
        for (SignatureAndHashAlgorithm candidate : preferred) {
            if (tls13 && candidate.getSignature() == SignatureAlgorithm.rsa) {
                continue; // PKCS#1 v1.5 signatures are not allowed in TLS 1.3's CertificateVerify
            }
            if (offered == null || offered.contains(candidate)) {
                return candidate;
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "no signature scheme in common with the client");
    }

    @Override
    public CertificateRequest getCertificateRequest() throws IOException {
        if (identity.verifier() == null) {
            return null; // PEAP: the peer proves itself inside the tunnel
        }
        Vector<SignatureAndHashAlgorithm> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        Vector<X500Name> authorities = new Vector<>(identity.authorities());
        if (TlsUtils.isTLSv13(context)) {
            return new CertificateRequest(TlsUtils.EMPTY_BYTES, algorithms, null, authorities);
        }
        return new CertificateRequest(new short[] {ClientCertificateType.rsa_sign, ClientCertificateType.ecdsa_sign},
                algorithms, authorities);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            refusal = "the client sent no certificate";
            throw new TlsFatalAlert(TlsUtils.isTLSv13(context) ? AlertDescription.certificate_required
                    : AlertDescription.handshake_failure, refusal);
        }
        X509Certificate[] chain = new X509Certificate[clientCertificate.getLength()];
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < chain.length; i++) {
                chain[i] = (X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(clientCertificate.getCertificateAt(i).getEncoded()));
            }
            identity.verifier().verify(chain);
        } catch (CertificateException e) {
            refusal = e.getMessage();
            throw new TlsFatalAlert(alertFor(e), refusal);
        }
        peer = chain[0];
    }

    private static short alertFor(CertificateException e) {
        if (e.getCause() instanceof CertPathValidatorException invalid) {
            if (invalid.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || invalid.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                return AlertDescription.certificate_expired;
            }
            if (invalid.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
                return AlertDescription.certificate_revoked;
            }
            return AlertDescription.unknown_ca;
        }
        return AlertDescription.unsupported_certificate;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        SecurityParameters parameters = context.getSecurityParametersHandshake() != null
                ? context.getSecurityParametersHandshake() : context.getSecurityParametersConnection();
        resumed = parameters != null && parameters.isResumedSession();
        if (resumed && identity.verifier() != null) {
            // The certificate was verified when the session was made; its revocation is checked again now.
            notifyClientCertificate(context.getSession().exportSessionParameters().getPeerCertificate());
        }
        keyMaterial = TlsUtils.isTLSv13(context)
                ? context.exportKeyingMaterial(TLS13_LABEL, new byte[] {(byte) eapType}, 128)
                : context.exportKeyingMaterial(TLS12_LABEL, null, 128);
    }
}
