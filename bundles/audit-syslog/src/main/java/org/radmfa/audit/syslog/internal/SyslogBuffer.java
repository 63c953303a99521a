package org.radmfa.audit.syslog.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages waiting for the collector, bounded: a deciding thread offers and returns at once, and a message that
 * does not fit is dropped and counted, never waited for, and the log says so at the first drop, then at most once a
 * minute with the count. It outlives a sender, so a reconfiguration (another collector, new certificates) keeps what
 * was waiting.
 */
final class SyslogBuffer {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogBuffer.class);
    private static final Duration DROP_LOG_INTERVAL = Duration.ofMinutes(1);
    private final String name;
    private final BlockingDeque<byte[]> queue;
    private final int capacity;
    private final Clock clock;
    private final LongAdder dropped = new LongAdder();
    /** Dropped since that was last logged. */
    private final AtomicLong droppedUnlogged = new AtomicLong();
    private final AtomicReference<Instant> nextDropLog = new AtomicReference<>(Instant.MIN);

    /** @param name the destination's, for the log */
    SyslogBuffer(String name, int capacity, Clock clock) {
        this.name = name;
        this.capacity = capacity;
        this.clock = clock;
        this.queue = new LinkedBlockingDeque<>(capacity);
    }

    /** Never blocks: false (and counted) when the buffer is full. */
    boolean offer(byte[] frame) {
        if (queue.offerLast(frame)) {
            return true;
        }
        dropped(1);
        return false;
    }

    /** A batch that could not be sent goes back in front, in order; what no longer fits is dropped and counted. */
    void putBack(List<byte[]> batch) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            if (!queue.offerFirst(batch.get(i))) {
                dropped(i + 1);
                return;
            }
        }
    }

    /**
     * Counts, and logs: the sender's WARN comes once per outage and the counter is seen only by who looks, so without
     * this line an audit trail could lose messages for days unnoticed in the log.
     */
    private void dropped(long count) {
        dropped.add(count);
        droppedUnlogged.addAndGet(count);
        Instant now = clock.instant();
        Instant due = nextDropLog.get();
        if (now.isBefore(due) || !nextDropLog.compareAndSet(due, now.plus(DROP_LOG_INTERVAL))) {
            return;
        }
        LOG.warn("Audit syslog '{}': buffer full (queueCapacity {}); {} message(s) dropped since this was last logged,"
                + " {} in all", name, capacity, droppedUnlogged.getAndSet(0), dropped.sum());
    }

    /** A new buffer of another name or capacity, with what this one held (the oldest first; dropped beyond it). */
    SyslogBuffer resized(String newName, int newCapacity) {
        SyslogBuffer resized = new SyslogBuffer(newName, newCapacity, clock);
        resized.dropped.add(dropped.sum());
        byte[] frame;
        while ((frame = queue.pollFirst()) != null) {
            resized.offer(frame);
        }
        return resized;
    }

    BlockingDeque<byte[]> queue() {
        return queue;
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return queue.size();
    }

    long dropped() {
        return dropped.sum();
    }
}
