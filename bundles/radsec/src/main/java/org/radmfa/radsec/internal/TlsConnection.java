package org.radmfa.radsec.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * One accepted RadSec connection: its TLS engine, driven without blocking by the {@link StreamServer}'s selector
 * thread, and only by it. Answers are made on other threads: they are queued here and the selector thread is woken
 * to encrypt and write them.
 *
 * <p>Its buffers are made on its first readable event and are of fixed size (one TLS record in, one out, the
 * decrypted bytes of at most one record plus one partial packet), so a connection that never sends anything costs
 * only its socket and engine, and one that sends costs a bounded amount.
 */
final class TlsConnection {

    /** What the connection reports to its server, on the selector thread. */
    interface Events {
        /** The handshake is done: who the peer is. False refuses it (the server has said why). */
        boolean established(TlsConnection connection, SSLSession session);

        void packet(TlsConnection connection, byte[] packet);

        /** The TLS layer failed (handshake refused, bad record); the connection is being closed. */
        void failed(TlsConnection connection, SSLException failure, boolean established);

        /** The stream lost its framing (a RADIUS Length out of range). */
        void malformed(TlsConnection connection);
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final SocketChannel channel;
    final InetSocketAddress peer;
    final long openedNanos;
    private final SSLEngine engine;
    private final Events events;
    private final java.util.function.Consumer<TlsConnection> wake;
    private final Queue<byte[]> answers = new ConcurrentLinkedQueue<>();
    private SelectionKey key;
    private ByteBuffer netIn;
    /** Decrypted bytes not yet framed; write mode. */
    private ByteBuffer appIn;
    /** Encrypted bytes not yet written; read mode (position to limit is pending). */
    private ByteBuffer netOut;
    private boolean established;
    private boolean closed;
    volatile long lastActivityNanos;
    /** Who the peer is, once established: set by the server. */
    volatile org.radmfa.api.RadiusClient client;
    /** The certificate chain the peer presented, once established: set by the server, to judge it again later. */
    volatile java.security.cert.X509Certificate[] peerChain;

    /** @param wake wakes the selector thread to write this connection's answers */
    TlsConnection(SocketChannel channel, InetSocketAddress peer, SSLEngine engine, Events events,
            java.util.function.Consumer<TlsConnection> wake, long now) {
        this.channel = channel;
        this.wake = wake;
        this.peer = peer;
        this.engine = engine;
        this.events = events;
        this.openedNanos = now;
        this.lastActivityNanos = now;
    }

    void register(SelectionKey selectionKey) {
        this.key = selectionKey;
    }

    boolean established() {
        return established;
    }

    boolean closed() {
        return closed;
    }

    /** Queues an answer; any thread. */
    void answer(byte[] packet) {
        if (!closed) {
            answers.add(packet);
            wake.accept(this);
        }
    }

    /** The channel is readable: decrypt what came, run the handshake, frame packets. */
    void onReadable(long now) throws IOException {
        allocate();
        int read = channel.read(netIn);
        if (read < 0) {
            close();
            return;
        }
        if (read > 0) {
            lastActivityNanos = now;
        }
        pump();
    }

    /** The channel can take more: write what waits, then go on with the handshake or the answers. */
    void onWritable(long now) throws IOException {
        allocate();
        if (flush()) {
            lastActivityNanos = now;
            pump();
            writeAnswers();
        }
    }

    /** On the selector thread, once woken for this connection. */
    void writeAnswers() throws IOException {
        if (closed || !established || netOut == null) {
            return;
        }
        byte[] next;
        while ((next = answers.peek()) != null) {
            if (!flush()) {
                return;
            }
            wrap(ByteBuffer.wrap(next));
            answers.poll();
            lastActivityNanos = System.nanoTime();
        }
        flush();
    }

    private void allocate() {
        if (netIn == null) {
            SSLSession session = engine.getSession();
            netIn = ByteBuffer.allocate(session.getPacketBufferSize());
            appIn = ByteBuffer.allocate(session.getApplicationBufferSize() + Framing.MAX_LENGTH);
            netOut = ByteBuffer.allocate(session.getPacketBufferSize());
            netOut.flip();
        }
    }

    private void pump() throws IOException {
        try {
            while (!closed) {
                HandshakeStatus status = engine.getHandshakeStatus();
                if (status == HandshakeStatus.NEED_TASK) {
                    // Certificate checks and key operations: short, and bounded by the handshake timeout.
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    continue;
                }
                if (status == HandshakeStatus.NEED_WRAP) {
                    if (!flush()) {
                        return;
                    }
                    wrap(EMPTY);
                    continue;
                }
                netIn.flip();
                SSLEngineResult result;
                try {
                    result = engine.unwrap(netIn, appIn);
                } finally {
                    netIn.compact();
                }
                if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                    finished();
                }
                switch (result.getStatus()) {
                    case BUFFER_UNDERFLOW -> {
                        return;
                    }
                    case BUFFER_OVERFLOW -> {
                        // Cannot happen while packets are framed out after every record; refuse rather than grow.
                        throw new SSLException("more decrypted data than one record and one packet");
                    }
                    case CLOSED -> {
                        closeGracefully();
                        return;
                    }
                    case OK -> {
                        if (result.bytesProduced() > 0) {
                            frame();
                        }
                        if (result.bytesConsumed() == 0 && result.bytesProduced() == 0
                                && engine.getHandshakeStatus() == status) {
                            return;
                        }
                    }
                }
            }
        } catch (SSLException e) {
            // Send the alert the engine has made, if the socket takes it at once, then give up.
            try {
                if (!closed) {
                    wrap(EMPTY);
                }
            } catch (IOException | RuntimeException ignored) {
                // The connection is closed below in any case.
            }
            events.failed(this, e, established);
            close();
        }
    }

    private void finished() {
        if (!established && !closed) {
            established = true;
            if (!events.established(this, engine.getSession())) {
                close();
            }
        }
    }

    private void frame() {
        if (!established) {
            return;
        }
        appIn.flip();
        boolean framed = Framing.split(appIn, packet -> events.packet(this, packet));
        appIn.compact();
        if (!framed) {
            events.malformed(this);
            close();
        }
    }

    private void wrap(ByteBuffer source) throws IOException {
        netOut.compact();
        SSLEngineResult result;
        try {
            result = engine.wrap(source, netOut);
        } finally {
            netOut.flip();
        }
        if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            finished();
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new SSLException("an answer does not fit in one TLS record");
        }
        flush();
    }

    /** Writes what is pending; false (and write interest) while the socket cannot take it all. */
    private boolean flush() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                return false;
            }
        }
        if (key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) != 0) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        }
        return true;
    }

    /** Says close_notify when the socket takes it at once, then closes. */
    void closeGracefully() {
        if (!closed && netOut != null) {
            try {
                engine.closeOutbound();
                wrap(EMPTY);
            } catch (IOException | RuntimeException ignored) {
                // Closing anyway.
            }
        }
        close();
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        answers.clear();
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing left to do with it.
        }
    }

    /** The peer's certificate subject as far as the engine knows it, for log lines about failed handshakes. */
    String peerSubject() {
        try {
            SSLSession session = engine.getHandshakeSession() != null ? engine.getHandshakeSession()
                    : engine.getSession();
            java.security.cert.Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof java.security.cert.X509Certificate x509
                    ? x509.getSubjectX500Principal().getName() : null;
        } catch (javax.net.ssl.SSLPeerUnverifiedException | RuntimeException e) {
            return null;
        }
    }
}
