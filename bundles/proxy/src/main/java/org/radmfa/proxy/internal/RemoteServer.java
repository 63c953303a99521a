package org.radmfa.proxy.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import org.radmfa.api.RemoteServerStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote RADIUS server at run time: its sockets, whether it is up, and what it did. It goes down after
 * {@code maxLost} requests in a row went unanswered and comes back with the first authentic answer, to a request or
 * to a Status-Server probe (RFC 5997).
 */
final class RemoteServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteServer.class);
    /** 16 sockets of 256 Identifiers each: requests in flight to one server before it counts as overloaded. */
    private static final int MAX_PORTS = 16;

    final ServerSettings settings;
    private final List<ProxyPort> ports = new ArrayList<>();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder lost = new LongAdder();
    private final LongAdder badAnswers = new LongAdder();
    private int lostInARow;
    private volatile boolean up = true;
    private volatile Instant downSince;
    private volatile long nextProbeNanos;
    private volatile long lastAnswerMillis = -1;
    private volatile long lastBadAnswerLogNanos = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);
    private volatile boolean closed;

    /**
     * A request never sent because every Identifier towards the server is in use: our own limit, not the server's
     * doing, so it does not count as lost there.
     */
    static final class NotSent extends IOException {
        private static final long serialVersionUID = 1L;

        NotSent(String message) {
            super(message);
        }
    }

    /** The RadSec connection when the server is reached over TLS; null over UDP. */
    private final RadSecPort radsec;

    RemoteServer(ServerSettings settings) {
        this.settings = settings;
        this.radsec = settings.radsec() == null ? null : new RadSecPort(settings.name(), settings.host(),
                settings.authPort(), settings.radsec(), this::badAnswer);
    }

    boolean up() {
        return up;
    }

    /**
     * Sends a request built for a free Identifier to the authentication or accounting port and completes with the
     * authentic answer, or exceptionally after the timeout (a {@link java.util.concurrent.TimeoutException}) or
     * when it cannot be sent (a {@link NotSent} when no Identifier is free).
     */
    CompletableFuture<byte[]> exchange(boolean accounting, IntFunction<ProxyPort.Outgoing> build) {
        if (radsec != null) {
            // RFC 6614: authentication and accounting share the one TLS connection.
            try {
                CompletableFuture<byte[]> answer = radsec.send(build);
                if (answer == null) {
                    return CompletableFuture.failedFuture(new NotSent("all 256 identifiers of the RadSec"
                            + " connection to " + settings.name() + " are in use"));
                }
                return answer.orTimeout(settings.timeoutMillis(), TimeUnit.MILLISECONDS);
            } catch (IOException | RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        InetSocketAddress to;
        try {
            to = new InetSocketAddress(InetAddress.getByName(settings.host()),
                    accounting ? settings.acctPort() : settings.authPort());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new IOException("cannot resolve " + settings.host() + ": "
                    + e.getMessage(), e));
        }
        try {
            CompletableFuture<byte[]> answer = sendOnAFreePort(to, build);
            if (answer == null) {
                return CompletableFuture.failedFuture(new NotSent("all " + MAX_PORTS * 256
                        + " identifiers towards " + settings.name() + " are in use"));
            }
            return answer.orTimeout(settings.timeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<byte[]> sendOnAFreePort(InetSocketAddress to, IntFunction<ProxyPort.Outgoing> build)
            throws IOException {
        List<ProxyPort> known;
        synchronized (ports) {
            if (closed) {
                throw new IOException("server " + settings.name() + " was reconfigured or removed");
            }
            known = List.copyOf(ports);
        }
        for (ProxyPort port : known) {
            CompletableFuture<byte[]> answer = port.send(to, build);
            if (answer != null) {
                return answer;
            }
        }
        ProxyPort added;
        synchronized (ports) {
            if (closed || ports.size() >= MAX_PORTS) {
                return null;
            }
            added = new ProxyPort(settings.name(), this::badAnswer);
            ports.add(added);
        }
        return added.send(to, build);
    }

    void sent() {
        forwarded.increment();
    }

    synchronized void answered(long millis) {
        answered.increment();
        lastAnswerMillis = millis;
        lostInARow = 0;
        if (!up) {
            up = true;
            downSince = null;
            LOG.info("Remote RADIUS server '{}' ({}) of group '{}' answers again: back in service", settings.name(),
                    settings.address(), settings.group());
        }
    }

    synchronized void lost() {
        lost.increment();
        lostInARow++;
        if (up && lostInARow >= settings.maxLost()) {
            up = false;
            downSince = Instant.now();
            nextProbeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.blackoutMillis());
            LOG.warn("Remote RADIUS server '{}' ({}) of group '{}' is down: {} requests in a row unanswered; probed"
                    + " with Status-Server every {} s", settings.name(), settings.address(), settings.group(),
                    lostInARow, settings.blackoutMillis() / 1000);
        }
    }

    /** Whether a down server is due for a Status-Server probe; if so, the next one is scheduled. */
    synchronized boolean probeDue(long nowNanos) {
        if (up || nowNanos - nextProbeNanos < 0) {
            return false;
        }
        nextProbeNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(settings.blackoutMillis());
        return true;
    }

    private void badAnswer(String why) {
        badAnswers.increment();
        long now = System.nanoTime();
        // A flood of forged answers must not flood the log: one line per server and 10 seconds at most.
        if (now - lastBadAnswerLogNanos > TimeUnit.SECONDS.toNanos(10)) {
            lastBadAnswerLogNanos = now;
            LOG.warn("Remote RADIUS server '{}' of group '{}': {} (treated as no answer)", settings.name(),
                    settings.group(), why);
        }
    }

    RemoteServerStatus status() {
        return new RemoteServerStatus(settings.group(), settings.name(), settings.address(), settings.priority(),
                settings.weight(), up, forwarded.sum(), answered.sum(), lost.sum(), badAnswers.sum(),
                lastAnswerMillis, downSince, settings.secret().fingerprint());
    }

    @Override
    public void close() {
        if (radsec != null) {
            radsec.close();
        }
        List<ProxyPort> open;
        synchronized (ports) {
            closed = true;
            open = List.copyOf(ports);
            ports.clear();
        }
        open.forEach(ProxyPort::close);
    }
}
