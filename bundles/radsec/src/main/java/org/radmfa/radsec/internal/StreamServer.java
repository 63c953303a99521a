package org.radmfa.radsec.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS server socket and the one thread that accepts, handshakes, reads and writes all of its connections with a
 * selector. No thread ever waits for a peer: a thousand connections that never send a ClientHello cost a thousand
 * sockets and engines, no thread and no buffer, and are closed when their handshake time is up. Connections beyond
 * the limit are closed as soon as they are accepted. The connections and their set are that thread's alone: it closes
 * them when it stops, so that {@link #close()} never walks the set while the thread may still change it.
 */
final class StreamServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamServer.class);
    private static final long STOP_WAIT_MILLIS = 2000;

    /** The limits of one listener. */
    record Limits(int maxConnections, long handshakeTimeoutNanos, long idleTimeoutNanos, List<String> protocols) {
    }

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final Supplier<SSLContext> context;
    private final Limits limits;
    private final TlsConnection.Events events;
    private final RadSecCounters counters;
    /** "/127.0.0.1:2083" for logs, kept: once closed the socket no longer says. */
    private final String name;
    /** Only the selector thread touches it (not thread-safe). */
    private final Set<TlsConnection> connections = new HashSet<>();
    private final Queue<TlsConnection> writes = new ConcurrentLinkedQueue<>();
    /** Work for the selector thread from other threads: the connections are its own. */
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final LogLimiter refusedLog = new LogLimiter(5);
    private volatile boolean closing;

    private StreamServer(ServerSocketChannel server, Selector selector, Supplier<SSLContext> context, Limits limits,
            TlsConnection.Events events, RadSecCounters counters) {
        this.server = server;
        this.selector = selector;
        this.context = context;
        this.limits = limits;
        this.events = events;
        this.counters = counters;
        this.name = String.valueOf(address());
        this.thread = new Thread(this::run, "radmfa-radsec-" + name);
        thread.setDaemon(true);
    }

    /**
     * @param context read for every new connection, so that new certificates apply without closing the socket
     */
    static StreamServer open(InetSocketAddress address, Supplier<SSLContext> context, Limits limits,
            TlsConnection.Events events, RadSecCounters counters) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        Selector selector = null;
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(address, 256);
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            server.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
        StreamServer stream = new StreamServer(server, selector, context, limits, events, counters);
        stream.thread.start();
        return stream;
    }

    InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Any thread: the connection has answers to write. */
    void wantsWrite(TlsConnection connection) {
        writes.add(connection);
        selector.wakeup();
    }

    /**
     * Any thread: every established connection is judged again on the selector thread, and those {@code refused}
     * says no to (it logs why) are closed with close_notify; their answers still to come are dropped. For a change of
     * the clients or of the trusted CA, which the handshake judged only once.
     */
    void closeEstablishedIf(Predicate<TlsConnection> refused) {
        tasks.add(() -> {
            for (Iterator<TlsConnection> it = connections.iterator(); it.hasNext();) {
                TlsConnection connection = it.next();
                if (connection.established() && !connection.closed() && refused.test(connection)) {
                    counters.closedByReconfiguration.increment();
                    connection.closeGracefully();
                }
                if (connection.closed()) {
                    it.remove();
                }
            }
            counters.open.set(connections.size());
        });
        selector.wakeup();
    }

    private void run() {
        try {
            serve();
        } finally {
            closeConnections();
        }
    }

    private void serve() {
        long nextSweep = System.nanoTime();
        while (!closing) {
            try {
                selector.select(500);
                long now = System.nanoTime();
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext();) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept(now);
                    } else {
                        TlsConnection connection = (TlsConnection) key.attachment();
                        serve(connection, key, now);
                    }
                }
                TlsConnection writer;
                while ((writer = writes.poll()) != null) {
                    if (!writer.closed()) {
                        try {
                            writer.writeAnswers();
                        } catch (IOException | RuntimeException e) {
                            writer.close();
                        }
                    }
                    forgetIfClosed(writer);
                }
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                if (now - nextSweep >= 0) {
                    sweep(now);
                    nextSweep = now + 1_000_000_000L;
                }
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (closing) {
                    // close() did not wait for this thread and closed the socket and selector under it.
                    return;
                }
                LOG.error("RadSec listener {}: {}; it keeps running", name, e.toString(), e);
            }
        }
    }

    private void serve(TlsConnection connection, SelectionKey key, long now) {
        try {
            if (key.isReadable()) {
                connection.onReadable(now);
            }
            if (key.isValid() && key.isWritable()) {
                connection.onWritable(now);
            }
        } catch (IOException e) {
            LOG.debug("RadSec connection from {}: {}", connection.peer, e.toString());
            connection.close();
        } catch (RuntimeException e) {
            LOG.warn("RadSec connection from {} failed and is closed: {}", connection.peer, e.toString(), e);
            connection.close();
        }
        forgetIfClosed(connection);
    }

    private void accept(long now) throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            InetSocketAddress peer = (InetSocketAddress) channel.getRemoteAddress();
            if (connections.size() >= limits.maxConnections()) {
                counters.refusedOverLimit.increment();
                channel.close();
                long held = refusedLog.admit(now);
                if (held >= 0) {
                    LOG.warn("RadSec connection from {} refused: {} connections are open, the limit"
                            + " (maxConnections){}", peer, connections.size(),
                            held > 0 ? "; " + held + " more refused since the last line" : "");
                }
                continue;
            }
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SSLEngine engine = context.get().createSSLEngine(peer.getHostString(), peer.getPort());
            engine.setUseClientMode(false);
            engine.setNeedClientAuth(true);
            engine.setEnabledProtocols(limits.protocols().toArray(new String[0]));
            TlsConnection connection = new TlsConnection(channel, peer, engine, events, this::wantsWrite, now);
            connection.register(channel.register(selector, SelectionKey.OP_READ, connection));
            connections.add(connection);
            counters.accepted.increment();
            counters.open.set(connections.size());
        }
    }

    /** Handshakes that took too long (half-open, slow-loris) and connections idle too long are closed. */
    private void sweep(long now) {
        for (Iterator<TlsConnection> it = connections.iterator(); it.hasNext();) {
            TlsConnection connection = it.next();
            if (!connection.established()) {
                if (now - connection.openedNanos > limits.handshakeTimeoutNanos()) {
                    counters.handshakeTimeouts.increment();
                    LOG.debug("RadSec connection from {}: no TLS handshake within the timeout; closed",
                            connection.peer);
                    connection.close();
                }
            } else if (now - connection.lastActivityNanos > limits.idleTimeoutNanos()) {
                counters.idleClosed.increment();
                LOG.debug("RadSec connection from {} idle; closed", connection.peer);
                connection.closeGracefully();
            }
            if (connection.closed()) {
                it.remove();
            }
        }
        counters.open.set(connections.size());
    }

    private void forgetIfClosed(TlsConnection connection) {
        if (connection.closed() && connections.remove(connection)) {
            counters.open.set(connections.size());
        }
    }

    int connections() {
        return counters.open.get();
    }

    /** On the selector thread, as it stops. */
    private void closeConnections() {
        for (TlsConnection connection : connections) {
            connection.close();
        }
        connections.clear();
        counters.open.set(0);
    }

    /**
     * Stops the selector thread, which closes the connections as it ends, and closes the listening socket. A thread
     * still busy after the wait (a slow task) closes them when it is done: they are never touched from here.
     */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        try {
            thread.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("RadSec listener {}: its thread is still busy after {} ms; it closes its connections when it is"
                    + " done", name, STOP_WAIT_MILLIS);
        }
        try {
            server.close();
            selector.close();
        } catch (IOException e) {
            LOG.warn("Closing the RadSec listener failed: {}", e.toString());
        }
    }
}
