package org.radmfa.eap.tls.internal;

import java.io.IOException;

import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerOnlyTlsAuthentication;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;

/**
 * A TLS client without a socket (BouncyCastle's non-blocking mode) that plays the peer: it makes a ClientHello and
 * answers the server's flights. It trusts any server certificate and has none of its own.
 */
final class TlsTestPeer {
    private final TlsClientProtocol protocol = new TlsClientProtocol();
    private byte[] keyMaterial;

    TlsTestPeer(ProtocolVersion... versions) throws IOException {
        protocol.connect(new DefaultTlsClient(EapTlsCrypto.create()) { // RSASSA-PSS without a global provider
            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return versions.clone();
            }

            @Override
            public void notifyHandshakeComplete() throws IOException {
                super.notifyHandshakeComplete();
                // BouncyCastle exports TLS 1.2 key material only here, on the peer's side as on the server's.
                if (!TlsUtils.isTLSv13(context)) {
                    keyMaterial = context.exportKeyingMaterial(EapTlsServer.TLS12_LABEL, null, 128);
                }
            }

            @Override
            public TlsAuthentication getAuthentication() {
                return new ServerOnlyTlsAuthentication() {
                    @Override
                    public void notifyServerCertificate(TlsServerCertificate serverCertificate) {
                        // trusted: these tests are about the server's side
                    }
                };
            }
        });
    }

    /** What the client has to send: the ClientHello first, then its answers. */
    byte[] output() {
        byte[] output = new byte[protocol.getAvailableOutputBytes()];
        protocol.readOutput(output, 0, output.length);
        return output;
    }

    /** Feeds the server's TLS data. */
    void input(byte[] serverData) throws IOException {
        protocol.offerInput(serverData);
    }

    /** Application data for the server (PEAP: an inner EAP packet), to be read with {@link #output()}. */
    void send(byte[] data) throws IOException {
        protocol.writeApplicationData(data, 0, data.length);
    }

    /** The application data the server's TLS data carried (PEAP: an inner EAP packet). */
    byte[] received() {
        byte[] data = new byte[protocol.getAvailableInputBytes()];
        protocol.readInput(data, 0, data.length);
        return data;
    }

    /** TLS 1.2: the peer's own EAP key material (RFC 5216 section 2.3), PEAP's tunnel key; else null. */
    byte[] keyMaterial() {
        return keyMaterial;
    }

    boolean connected() {
        return protocol.isConnected();
    }
}
