package org.radmfa.audit.syslog.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A TCP connection to the collector, wrapped in TLS when an {@link SSLContext} is given (RFC 5425: the collector's
 * certificate is checked against the configured CAs and, unless turned off, its name against the configured host;
 * the client presents its certificate when the context has one).
 */
final class SocketConnector implements SyslogSender.Connector {
    private final String host;
    private final int port;
    private final SSLContext tls;
    private final boolean verifyHostname;
    private final String[] tlsVersions;
    private final int connectTimeoutMillis;

    SocketConnector(String host, int port, SSLContext tls, boolean verifyHostname, String[] tlsVersions,
            int connectTimeoutMillis) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.verifyHostname = verifyHostname;
        this.tlsVersions = tlsVersions.clone();
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    @Override
    public SyslogSender.Connection open() throws IOException {
        Socket socket = new Socket();
        try {
            socket.setKeepAlive(true);
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            if (tls == null) {
                return new SocketConnection(socket, "TCP");
            }
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, host, port, true);
            SSLParameters parameters = secure.getSSLParameters();
            parameters.setProtocols(tlsVersions);
            if (verifyHostname) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            secure.setSSLParameters(parameters);
            secure.setSoTimeout(connectTimeoutMillis);
            secure.startHandshake();
            return new SocketConnection(secure, secure.getSession().getProtocol());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public String describe() {
        return (tls == null ? "tcp://" : "tls://") + host + ":" + port;
    }

    private static final class SocketConnection implements SyslogSender.Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final String protocol;

        SocketConnection(Socket socket, String protocol) throws IOException {
            this.socket = socket;
            this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            this.in = socket.getInputStream();
            this.protocol = protocol;
        }

        @Override
        public void write(byte[] frame) throws IOException {
            out.write(frame);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        /**
         * A collector never sends anything on a syslog connection: end of stream (or a TLS close_notify) means it
         * closed its end, and a write now would be lost in the kernel's buffer before the reset comes back.
         *
         * <p>On TLS the 1 ms read goes through the SSLSocket, which is safe: a timeout in the middle of a record
         * keeps what was read of it (the JDK's record layer resumes the record on the next read), and a post-handshake
         * NewSessionTicket or KeyUpdate read here is processed (a requested KeyUpdate answered) before the timeout, so
         * the connection stays usable; a byte of application data, which a collector should not send, is discarded
         * and the connection counts as open. SocketConnectorTlsTest checks each case against a JDK TLS 1.3 server.
         */
        @Override
        public boolean closedByPeer() {
            try {
                socket.setSoTimeout(1);
                return in.read() < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public String protocol() {
            return protocol;
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing after a failure: nothing left to do
            }
        }
    }
}
