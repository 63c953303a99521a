package org.radmfa.bench.eap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The peer's side of EAP-TLS (RFC 5216) over TLS 1.2: BouncyCastle's TLS client without a socket, its records carried
 * in EAP-TLS packets, fragmented at {@link #FRAGMENT_SIZE} octets as wpa_supplicant does, each fragment acknowledged
 * by an empty packet. It checks that the server's certificate was issued by the given CA, presents its own when asked,
 * and derives the MSK the Access-Accept's MS-MPPE keys must carry.
 */
class EapTlsPeer implements EapMethodPeer {
    static final int TYPE = 13;
    /** wpa_supplicant's default fragment_size. */
    static final int FRAGMENT_SIZE = 1398;
    private static final int FLAG_LENGTH = 0x80;
    private static final int FLAG_MORE = 0x40;
    private static final int FLAG_START = 0x20;

    /**
     * The CA a peer trusts and, for EAP-TLS, its own certificate and key; one per run, shared by every conversation.
     */
    record Identity(JcaTlsCrypto crypto, X509Certificate ca, Certificate certificate, PrivateKey key) {
    }

    protected final TlsClientProtocol tls = new TlsClientProtocol();
    private final Client client;
    private final ByteArrayOutputStream incoming = new ByteArrayOutputStream();
    private byte[] outgoing;
    private int outgoingOffset;

    EapTlsPeer(Identity identity) {
        this.client = new Client(identity);
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public final byte[] respond(byte[] data) throws IOException, GeneralSecurityException {
        if (data.length < 1) {
            throw new IOException("an EAP-TLS request without its flags");
        }
        int flags = data[0] & 0xFF;
        if ((flags & FLAG_START) != 0) {
            tls.connect(client);
            return startSending(drainOutput());
        }
        int offset = (flags & FLAG_LENGTH) != 0 ? 5 : 1;
        if (offset > data.length) {
            throw new IOException("an EAP-TLS request cut inside its length field");
        }
        if (data.length == offset && outgoing != null) {
            return nextFragment(); // the server acknowledged one of ours
        }
        incoming.write(data, offset, data.length - offset);
        if ((flags & FLAG_MORE) != 0) {
            return acknowledgement();
        }
        byte[] records = incoming.toByteArray();
        incoming.reset();
        if (records.length > 0) {
            tls.offerInput(records);
        }
        afterInput();
        byte[] output = drainOutput();
        return output.length > 0 ? startSending(output) : acknowledgement();
    }

    /** What PEAP does with what came out of the tunnel; nothing in EAP-TLS. */
    protected void afterInput() throws IOException, GeneralSecurityException {
    }

    /** RFC 5216 section 2.3: Key_Material = TLS-PRF-128(master secret, "client EAP encryption", randoms); MSK first. */
    @Override
    public byte[] expectedKeys() throws GeneralSecurityException {
        if (client.msk == null) {
            throw new GeneralSecurityException("no keys before the TLS handshake finished");
        }
        return client.msk;
    }

    private byte[] startSending(byte[] output) {
        outgoing = output;
        outgoingOffset = 0;
        return nextFragment();
    }

    private byte[] nextFragment() {
        int remaining = outgoing.length - outgoingOffset;
        int size = Math.min(FRAGMENT_SIZE, remaining);
        boolean first = outgoingOffset == 0;
        boolean more = size < remaining;
        int header = first && more ? 5 : 1;
        byte[] packet = new byte[header + size];
        packet[0] = (byte) ((more ? FLAG_MORE : 0) | (header == 5 ? FLAG_LENGTH : 0));
        if (header == 5) {
            int total = outgoing.length;
            packet[1] = (byte) (total >>> 24);
            packet[2] = (byte) (total >>> 16);
            packet[3] = (byte) (total >>> 8);
            packet[4] = (byte) total;
        }
        System.arraycopy(outgoing, outgoingOffset, packet, header, size);
        outgoingOffset += size;
        if (!more) {
            outgoing = null;
        }
        return packet;
    }

    private byte[] acknowledgement() {
        return new byte[] {0}; // flags only; PEAP version 0 has no version bits
    }

    private byte[] drainOutput() {
        byte[] output = new byte[tls.getAvailableOutputBytes()];
        tls.readOutput(output, 0, output.length);
        return output;
    }

    private static final class Client extends DefaultTlsClient {
        private final Identity identity;
        private byte[] msk;

        Client(Identity identity) {
            super(identity.crypto());
            this.identity = identity;
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            msk = context.exportKeyingMaterial("client EAP encryption", null, 64); // BouncyCastle exports only now
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv12.only();
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    Certificate chain = serverCertificate.getCertificate();
                    if (chain.isEmpty() || !issuedByCa(chain.getCertificateAt(0), identity.ca().getPublicKey())) {
                        throw new TlsFatalAlert(AlertDescription.bad_certificate);
                    }
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    if (identity.certificate() == null) {
                        return null;
                    }
                    SignatureAndHashAlgorithm algorithm = request.getSupportedSignatureAlgorithms() != null
                            && request.getSupportedSignatureAlgorithms()
                                    .contains(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256)
                            ? SignatureAndHashAlgorithm.rsa_pss_rsae_sha256
                            : SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa);
                    return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), identity.crypto(),
                            identity.key(), identity.certificate(), algorithm);
                }
            };
        }

        private static boolean issuedByCa(TlsCertificate certificate, PublicKey caKey) {
            try {
                X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(certificate.getEncoded()));
                x509.verify(caKey);
                x509.checkValidity();
                return true;
            } catch (GeneralSecurityException | IOException e) {
                return false;
            }
        }
    }
}
