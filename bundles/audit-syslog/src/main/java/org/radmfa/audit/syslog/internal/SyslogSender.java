package org.radmfa.audit.syslog.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the deciding threads put in the buffer, on a thread of its own: the only place that waits for the
 * network. While the collector cannot be reached it retries with a growing delay (doubled up to a maximum), and the
 * buffer holds what it can; beyond its capacity {@link SyslogBuffer} drops and counts. A batch that failed half-way
 * goes back to the front of the buffer, so a message may reach the collector twice after a reconnect, never zero
 * times for that reason (plain syslog over TCP has no acknowledgements: what the kernel had accepted when the
 * collector went away is lost, as with every syslog sender over TCP).
 */
final class SyslogSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogSender.class);
    private static final int MAX_BATCH = 256;
    /** Idle longer than this, the connection is probed for a close by the collector before it is written to. */
    private static final long PROBE_AFTER_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** A write blocked this long (a collector that stopped reading) is reported as a failure. */
    private static final long STALLED_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Opens a connection to the collector; one implementation per transport (TCP, TLS), a fake in unit tests. */
    interface Connector {
        Connection open() throws IOException;

        /** "tls://host:port", for logs. */
        String describe();
    }

    /** One open connection: frames are written to it, in order. */
    interface Connection extends AutoCloseable {
        void write(byte[] frame) throws IOException;

        void flush() throws IOException;

        /** True when the collector has closed its end (checked cheaply, without waiting). */
        boolean closedByPeer();

        /** "TLSv1.3" or "TCP", for logs. */
        String protocol();

        @Override
        void close();
    }

    private final String name;
    private final SyslogBuffer buffer;
    private final Connector connector;
    private final Backoff backoff;
    private final LongSupplier nanoTime;
    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;
    private volatile String failure;
    /** When the write under way started, or 0 when none is. */
    private volatile long writingSince;
    /** Written by the sender thread; volatile so that close() can end a write that blocks forever. */
    private volatile Connection connection;
    private long lastWrite;

    SyslogSender(String name, SyslogBuffer buffer, Connector connector, Backoff backoff, LongSupplier nanoTime) {
        this.name = name;
        this.buffer = buffer;
        this.connector = connector;
        this.backoff = backoff;
        this.nanoTime = nanoTime;
        this.thread = new Thread(this::run, "radmfa-syslog-" + name);
        thread.setDaemon(true);
    }

    SyslogSender start() {
        thread.start();
        return this;
    }

    /** Why messages are not reaching the collector right now, or null while they are (or none are waiting). */
    String failure() {
        long since = writingSince;
        if (since != 0 && nanoTime.getAsLong() - since > STALLED_NANOS) {
            return "writing to " + connector.describe() + " has been blocked for "
                    + TimeUnit.NANOSECONDS.toSeconds(nanoTime.getAsLong() - since) + " s (the collector does not read)";
        }
        return failure;
    }

    long sent() {
        return sent.get();
    }

    private void run() {
        BlockingDeque<byte[]> queue = buffer.queue();
        List<byte[]> batch = new ArrayList<>(MAX_BATCH);
        int failures = 0;
        while (running) {
            try {
                byte[] first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                if (connection != null && nanoTime.getAsLong() - lastWrite > PROBE_AFTER_IDLE_NANOS
                        && connection.closedByPeer()) {
                    disconnect(connector.describe() + " closed the connection");
                }
                if (connection == null) {
                    connection = connector.open();
                    LOG.info("Audit syslog '{}': connected to {} ({}); {} records dropped so far", name,
                            connector.describe(), connection.protocol(), buffer.dropped());
                }
                writingSince = nanoTime.getAsLong();
                for (byte[] frame : batch) {
                    connection.write(frame);
                }
                connection.flush();
                lastWrite = nanoTime.getAsLong();
                writingSince = 0;
                sent.addAndGet(batch.size());
                batch.clear();
                failures = 0;
                failure = null;
            } catch (IOException | RuntimeException e) {
                writingSince = 0;
                buffer.putBack(batch);
                batch.clear();
                failures++;
                long delay = backoff.delayMillis(failures);
                String why = "cannot send to " + connector.describe() + ": " + e.getMessage() + "; retrying in "
                        + delay + " ms, holding up to " + buffer.capacity() + " records, dropping beyond";
                if (failures == 1) {
                    // Once per outage; the retries that follow go to debug.
                    LOG.warn("Audit syslog '{}': {}", name, why);
                } else {
                    LOG.debug("Audit syslog '{}': {}", name, why);
                }
                disconnect(why);
                sleep(delay);
            } catch (InterruptedException e) {
                buffer.putBack(batch);
                batch.clear();
                Thread.currentThread().interrupt();
                break;
            }
        }
        disconnect(null);
    }

    private void disconnect(String why) {
        failure = why;
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops the thread; what is still buffered stays there for the next sender (a reconfiguration). */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Connection stuck = connection;
        if (thread.isAlive() && stuck != null) {
            // Blocked in a write to a collector that stopped reading: closing the socket ends it.
            stuck.close();
        }
    }
}
