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
    /** Shared with the buffers this one is resized into: one count for the destination, whichever buffer dropped. */
    private final Drops drops;
    /** Set once this buffer is replaced by a resized one: from then on everything that reaches it goes there. */
    private volatile SyslogBuffer successor;

    /** What was dropped, and when that is next logged. */
    private static final class Drops {
        final LongAdder dropped = new LongAdder();
        /** Dropped since that was last logged. */
        final AtomicLong unlogged = new AtomicLong();
        final AtomicReference<Instant> nextLog = new AtomicReference<>(Instant.MIN);
    }

    /** @param name the destination's, for the log */
    SyslogBuffer(String name, int capacity, Clock clock) {
        this(name, capacity, clock, new Drops());
    }

    private SyslogBuffer(String name, int capacity, Clock clock, Drops drops) {
        this.name = name;
        this.capacity = capacity;
        this.clock = clock;
        this.drops = drops;
        this.queue = new LinkedBlockingDeque<>(capacity);
    }

    /** Never blocks: false (and counted) when the buffer is full. */
    boolean offer(byte[] frame) {
        SyslogBuffer next = successor;
        if (next != null) {
            return next.offer(frame);
        }
        if (queue.offerLast(frame)) {
            // Read again after the write: if the hand-over ran in between, it may have missed this frame.
            if (successor != null) {
                handOver();
            }
            return true;
        }
        next = successor;
        if (next != null) {
            return next.offer(frame);
        }
        dropped(1);
        return false;
    }

    /** A batch that could not be sent goes back in front, in order; what no longer fits is dropped and counted. */
    void putBack(List<byte[]> batch) {
        SyslogBuffer next = successor;
        if (next != null) {
            // A sender stopped while it was stuck in a write, after its buffer was handed over.
            next.putBack(batch);
            return;
        }
        for (int i = batch.size() - 1; i >= 0; i--) {
            if (!queue.offerFirst(batch.get(i))) {
                dropped(i + 1);
                break;
            }
        }
        if (successor != null) {
            handOver();
        }
    }

    /**
     * Counts, and logs: the sender's WARN comes once per outage and the counter is seen only by who looks, so without
     * this line an audit trail could lose messages for days unnoticed in the log.
     */
    private void dropped(long count) {
        drops.dropped.add(count);
        drops.unlogged.addAndGet(count);
        Instant now = clock.instant();
        Instant due = drops.nextLog.get();
        if (now.isBefore(due) || !drops.nextLog.compareAndSet(due, now.plus(DROP_LOG_INTERVAL))) {
            return;
        }
        LOG.warn("Audit syslog '{}': buffer full (queueCapacity {}); {} message(s) dropped since this was last logged,"
                + " {} in all", name, capacity, drops.unlogged.getAndSet(0), drops.dropped.sum());
    }

    /**
     * A new buffer of another name or capacity, with what this one held (the oldest first; dropped beyond it) and its
     * drop count. Deciding threads that still hold this buffer may offer to it while and after this runs, and a
     * stopped sender may put a batch back: once the successor is set, this buffer forwards all of that to it, and a
     * frame that was written here in the meantime is moved by whichever thread sees it last, so nothing stays behind
     * uncounted. The sender of the old buffer must be stopped first (nothing else takes from it).
     */
    SyslogBuffer resized(String newName, int newCapacity) {
        SyslogBuffer resized = new SyslogBuffer(newName, newCapacity, clock, drops);
        // The bulk first, in order, before new messages can reach the new buffer; then the switch, then what came
        // in during the first pass.
        moveTo(resized);
        successor = resized;
        moveTo(resized);
        return resized;
    }

    private void handOver() {
        moveTo(successor);
    }

    private void moveTo(SyslogBuffer target) {
        byte[] frame;
        while ((frame = queue.pollFirst()) != null) {
            target.offer(frame);
        }
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
        return drops.dropped.sum();
    }
}
