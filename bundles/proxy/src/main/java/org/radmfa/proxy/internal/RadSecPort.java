package org.radmfa.proxy.internal;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RadSec connection (RFC 6614) of the proxy to one remote server: one TLS connection kept open, carrying
 * authentication, accounting and Status-Server, with up to 256 requests in flight told apart by their Identifier,
 * answered in any order. Its thread connects, reads and, when the connection fails, reconnects with back-off (1 s
 * doubling to 60 s); a connection the server closed cleanly (an idle timeout) is made again at once. While it is not
 * connected, requests fail at once, count as lost and go to the next server of the group.
 */
final class RadSecPort implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RadSecPort.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;
    private static final long FIRST_BACKOFF_MILLIS = 1000;
    private static final long MAX_BACKOFF_MILLIS = 60_000;

    private record Pending(ProxyPort.Verifier verifier, CompletableFuture<byte[]> answer) {
    }

    private final String name;
    private final InetSocketAddress to;
    private final String host;
    private final RadSecSettings settings;
    private final Consumer<String> badAnswer;
    private final Pending[] slots = new Pending[256];
    private final Thread thread;
    private final Object sleep = new Object();
    private final long firstBackoffMillis;
    /** Runs between the loop's check of {@code closed} and the back-off wait: a test closes the port there. */
    private final Runnable beforeBackoffWait;
    private int next = new java.security.SecureRandom().nextInt(256);
    private int inFlight;
    private volatile SSLSocket socket;
    private volatile String lastFailure = "not connected yet";
    private volatile boolean closed;

    RadSecPort(String name, String host, int port, RadSecSettings settings, Consumer<String> badAnswer) {
        this(name, host, port, settings, badAnswer, FIRST_BACKOFF_MILLIS, () -> { });
    }

    RadSecPort(String name, String host, int port, RadSecSettings settings, Consumer<String> badAnswer,
            long firstBackoffMillis, Runnable beforeBackoffWait) {
        this.name = name;
        this.firstBackoffMillis = firstBackoffMillis;
        this.beforeBackoffWait = beforeBackoffWait;
        this.host = host;
        this.to = InetSocketAddress.createUnresolved(host, port);
        this.settings = settings;
        this.badAnswer = badAnswer;
        this.thread = new Thread(this::run, "radmfa-proxy-radsec-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    boolean connected() {
        SSLSocket current = socket;
        return current != null && !current.isClosed();
    }

    /**
     * Sends the request built for a free Identifier over the connection.
     *
     * @return the answer (bounded by the caller's timeout), or null when 256 requests are in flight
     * @throws IOException when there is no connection now
     */
    CompletableFuture<byte[]> send(IntFunction<ProxyPort.Outgoing> build) throws IOException {
        SSLSocket current = socket;
        if (current == null || current.isClosed()) {
            throw new IOException("no RadSec connection to " + to + " (" + lastFailure + ")");
        }
        int identifier;
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        synchronized (slots) {
            if (inFlight == 256) {
                return null;
            }
            while (slots[next] != null) {
                next = (next + 1) & 0xFF;
            }
            identifier = next;
            next = (next + 1) & 0xFF;
            inFlight++;
            slots[identifier] = new Pending(unsent -> "not sent yet", answer);
        }
        ProxyPort.Outgoing outgoing;
        try {
            outgoing = build.apply(identifier);
        } catch (RuntimeException e) {
            release(identifier, answer);
            throw e;
        }
        synchronized (slots) {
            slots[identifier] = new Pending(outgoing.verifier(), answer);
        }
        answer.whenComplete((ok, failure) -> release(identifier, answer));
        try {
            OutputStream out = current.getOutputStream();
            synchronized (this) {
                out.write(outgoing.packet());
                out.flush();
            }
        } catch (IOException e) {
            answer.completeExceptionally(e);
        }
        return answer;
    }

    private void release(int identifier, CompletableFuture<byte[]> answer) {
        synchronized (slots) {
            if (slots[identifier] != null && slots[identifier].answer() == answer) {
                slots[identifier] = null;
                inFlight--;
            }
        }
    }

    private void run() {
        long backoff = 0;
        while (!closed) {
            if (backoff > 0 && !backOff(backoff)) {
                return;
            }
            boolean established = false;
            try (SSLSocket connection = connect()) {
                socket = connection;
                established = true;
                LOG.info("RadSec connection to remote server '{}' ({}) established ({}, {})", name, to,
                        connection.getSession().getProtocol(), connection.getSession().getCipherSuite());
                read(connection);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                if (closed) {
                    return;
                }
                lastFailure = e instanceof EOFException ? "closed by the server" : String.valueOf(e.getMessage());
            } finally {
                socket = null;
                failPending();
            }
            // A connection that was up and ended is made again at once; one that cannot be made waits longer.
            backoff = established ? 0 : Math.min(MAX_BACKOFF_MILLIS, Math.max(firstBackoffMillis, backoff * 2));
            if (!closed) {
                if (established) {
                    LOG.info("RadSec connection to remote server '{}' ({}) ended ({}); reconnecting", name, to,
                            lastFailure);
                } else {
                    LOG.warn("RadSec connection to remote server '{}' ({}) failed: {}; next attempt in {} s", name,
                            to, lastFailure, TimeUnit.MILLISECONDS.toSeconds(backoff));
                }
            }
        }
    }

    /**
     * Waits the back-off unless closed first; false when closed. {@code closed} is checked under the lock close()
     * notifies under, so a close() that came after the loop's check and before the wait is not missed.
     */
    private boolean backOff(long millis) {
        beforeBackoffWait.run();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (sleep) {
            long left;
            while (!closed && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(sleep, left);
                } catch (InterruptedException e) {
                    return false;
                }
            }
        }
        return !closed;
    }

    private SSLSocket connect() throws IOException, GeneralSecurityException {
        SSLContext context = settings.context();
        SSLSocket connection = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            SSLParameters parameters = connection.getSSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            if (settings.verifyHostname()) {
                // RFC 6614 section 2.4 / RFC 6125: the server's certificate must name the address we dialled.
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            connection.setSSLParameters(parameters);
            connection.connect(new InetSocketAddress(host, to.getPort()), CONNECT_TIMEOUT_MILLIS);
            connection.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
            connection.setTcpNoDelay(true);
            connection.startHandshake();
            connection.setSoTimeout(0);
            return connection;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private void read(SSLSocket connection) throws IOException {
        DataInputStream in = new DataInputStream(connection.getInputStream());
        byte[] header = new byte[4];
        while (!closed) {
            in.readFully(header);
            int length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            if (length < Wire.HEADER_LENGTH || length > Wire.MAX_LENGTH) {
                throw new IOException("the server sent a RADIUS Length of " + length + ": the stream cannot be"
                        + " framed");
            }
            byte[] answer = new byte[length];
            System.arraycopy(header, 0, answer, 0, 4);
            in.readFully(answer, 4, length - 4);
            // As over UDP (RFC 2865 section 3): a malformed answer is discarded; the framing above still holds.
            String structure = Wire.structureProblem(answer, answer.length);
            if (structure != null) {
                badAnswer.accept("malformed answer over RadSec: " + structure);
                continue;
            }
            Pending pending;
            synchronized (slots) {
                pending = slots[answer[1] & 0xFF];
            }
            if (pending == null) {
                badAnswer.accept("answer over RadSec with identifier " + (answer[1] & 0xFF)
                        + " matches no request in flight");
                continue;
            }
            String problem = pending.verifier().problem(answer);
            if (problem != null) {
                badAnswer.accept("answer over RadSec ignored: " + problem);
                continue;
            }
            pending.answer().complete(answer);
        }
    }

    private void failPending() {
        synchronized (slots) {
            for (Pending pending : slots) {
                if (pending != null) {
                    pending.answer().completeExceptionally(new IOException("the RadSec connection ended"));
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (sleep) {
            sleep.notifyAll();
        }
        SSLSocket current = socket;
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // Closing anyway.
            }
        }
        failPending();
    }
}
