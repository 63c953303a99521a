package org.radmfa.audit.syslog.internal;

import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * Messages waiting for the collector, bounded: a deciding thread offers and returns at once, and a message that
 * does not fit is dropped and counted, never waited for. It outlives a sender, so a reconfiguration (another
 * collector, new certificates) keeps what was waiting.
 */
final class SyslogBuffer {
    private final BlockingDeque<byte[]> queue;
    private final int capacity;
    private final LongAdder dropped = new LongAdder();

    SyslogBuffer(int capacity) {
        this.capacity = capacity;
        this.queue = new LinkedBlockingDeque<>(capacity);
    }

    /** Never blocks: false (and counted) when the buffer is full. */
    boolean offer(byte[] frame) {
        if (queue.offerLast(frame)) {
            return true;
        }
        dropped.increment();
        return false;
    }

    /** A batch that could not be sent goes back in front, in order; what no longer fits is dropped and counted. */
    void putBack(List<byte[]> batch) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            if (!queue.offerFirst(batch.get(i))) {
                dropped.add(i + 1);
                return;
            }
        }
    }

    /** A new buffer of another capacity, with what this one held (the oldest first; dropped beyond it). */
    SyslogBuffer resized(int newCapacity) {
        SyslogBuffer resized = new SyslogBuffer(newCapacity);
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
