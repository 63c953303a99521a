package org.radmfa.directory.ldap.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded pool of long-running {@code ntlm_auth} helpers of one helper protocol, started on first use and replaced
 * when one dies or misses its deadline. The queue of slots bounds how many run and hands each to one thread at a time.
 */
final class HelperPool implements AutoCloseable {

    /** A place for one helper. */
    private static final class Slot {
        NtlmAuthHelper helper;
    }

    private final String name;
    private final List<String> command;
    private final int size;
    private final BlockingQueue<Slot> slots;
    private volatile boolean closed;

    HelperPool(String name, List<String> command, int size) {
        this.name = name;
        this.command = List.copyOf(command);
        this.size = size;
        this.slots = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            slots.add(new Slot());
        }
    }

    /**
     * Sends one request to a free helper and returns its answer's lines.
     *
     * @throws IOException no helper free before the deadline, or the helper failed (why is the message)
     */
    List<String> exchange(String request, long deadlineNanos) throws IOException {
        Slot slot;
        try {
            slot = slots.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for an ntlm_auth helper");
        }
        if (slot == null) {
            throw new IOException("all " + size + " ntlm_auth helpers (" + name + ") stayed busy until the deadline");
        }
        try {
            if (closed) {
                throw new IOException(name + " was stopped");
            }
            if (slot.helper == null || !slot.helper.usable()) {
                slot.helper = NtlmAuthHelper.start(name, command);
            }
            return slot.helper.exchange(request, deadlineNanos);
        } finally {
            if (closed && slot.helper != null) {
                slot.helper.close();
            }
            slots.add(slot);
        }
    }

    /** Stops the idle helpers now; a busy one stops when its exchange is done. */
    @Override
    public void close() {
        closed = true;
        for (Slot slot : slots.toArray(Slot[]::new)) {
            if (slot.helper != null) {
                slot.helper.close();
            }
        }
    }
}
