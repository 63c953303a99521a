package org.radmfa.accounting.file.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lines appended to one file per day (UTC), {@code <prefix>-<date>.jsonl}. One writer thread takes whatever has
 * queued up, writes it and forces it to disk once for the whole batch (group commit); only then does each line's
 * stage complete.
 */
final class DailyJsonFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DailyJsonFile.class);
    private static final int MAX_BATCH = 512;

    /** A line to write; formatted by the writer thread, so that callers pay only for the hand-off. */
    private record Pending(Supplier<String> line, CompletableFuture<Void> durable) {
    }

    private final Path directory;
    private final String prefix;
    private final BlockingQueue<Pending> queue;
    private final Thread writer;
    private volatile boolean running = true;
    private FileChannel channel;
    private LocalDate channelDate;

    DailyJsonFile(Path directory, String prefix, int capacity) throws IOException {
        this.directory = directory;
        this.prefix = prefix;
        Files.createDirectories(directory);
        this.queue = new LinkedBlockingQueue<>(Math.max(1, capacity));
        this.writer = new Thread(this::writeLoop, "radmfa-" + prefix + "-file");
        writer.setDaemon(true);
        writer.start();
    }

    /** Completes once the line is on disk; fails at once when the queue is full or the file is closed. */
    CompletableFuture<Void> append(String line) {
        return append(() -> line);
    }

    /** As {@link #append(String)}, the line made on the writer thread. */
    CompletableFuture<Void> append(Supplier<String> line) {
        Pending pending = new Pending(line, new CompletableFuture<>());
        if (!running || !queue.offer(pending)) {
            pending.durable().completeExceptionally(new IOException(prefix + " file queue is full or closed"));
        }
        return pending.durable();
    }

    Path directory() {
        return directory;
    }

    /** Writes what is queued, then stops; new lines are refused from now on. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        writer.join(5000);
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        try {
            while (running || !queue.isEmpty()) {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            // Closed: whatever is still queued is refused below; for accounting the NAS will retry it.
        } finally {
            List<Pending> left = new ArrayList<>();
            queue.drainTo(left);
            left.forEach(p -> p.durable().completeExceptionally(new IOException(prefix + " file closed")));
            closeChannel();
        }
    }

    private void write(List<Pending> batch) {
        try {
            FileChannel out = channelFor(LocalDate.now(ZoneOffset.UTC));
            StringBuilder lines = new StringBuilder(batch.size() * 256);
            batch.forEach(p -> lines.append(p.line().get()));
            ByteBuffer buffer = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(false);
            batch.forEach(p -> p.durable().complete(null));
        } catch (IOException | RuntimeException e) {
            LOG.error("Could not write {} lines to the {} file in {}: {}", batch.size(), prefix, directory,
                    e.toString());
            batch.forEach(p -> p.durable().completeExceptionally(e));
            closeChannel();
        }
    }

    private FileChannel channelFor(LocalDate date) throws IOException {
        if (channel == null || !date.equals(channelDate)) {
            closeChannel();
            channel = FileChannel.open(directory.resolve(prefix + "-" + date + ".jsonl"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            channelDate = date;
        }
        return channel;
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("Closing the {} file failed: {}", prefix, e.toString());
            }
            channel = null;
        }
    }
}
