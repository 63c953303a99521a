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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AccountingSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounting records as JSON lines in one append-only file per day (UTC). One writer thread takes whatever has
 * queued up, writes it, and forces it to disk once for the whole batch (group commit); only then are the records'
 * stages completed, so an Accounting-Response always follows a durable record.
 */
@Component(service = AccountingSink.class, configurationPid = FileAccountingSink.PID)
@Designate(ocd = FileAccountingSink.Config.class)
public final class FileAccountingSink implements AccountingSink {
    static final String PID = "org.radmfa.accounting.file";
    private static final Logger LOG = LoggerFactory.getLogger(FileAccountingSink.class);
    private static final int MAX_BATCH = 512;

    @ObjectClassDefinition(name = "radmfa accounting file sink",
            description = "Accounting-Requests as JSON lines, one file per day")
    @interface Config {
        @AttributeDefinition(name = "Directory",
                description = "Where the files go; empty means data/accounting under the Karaf data folder")
        String directory() default "";

        @AttributeDefinition(name = "Queue capacity",
                description = "Records waiting for the disk; beyond it a record is refused and the NAS retries")
        int queueCapacity() default 10000;
    }

    private record Pending(AccountingRecord record, CompletableFuture<Void> durable) {
    }

    private final Path directory;
    private final BlockingQueue<Pending> queue;
    private final Thread writer;
    private volatile boolean running = true;
    private FileChannel channel;
    private LocalDate channelDate;

    @Activate
    public FileAccountingSink(Config config) throws IOException {
        this.directory = config.directory().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "accounting")
                : Path.of(config.directory());
        Files.createDirectories(directory);
        this.queue = new LinkedBlockingQueue<>(Math.max(1, config.queueCapacity()));
        this.writer = new Thread(this::writeLoop, "radmfa-accounting-file");
        writer.setDaemon(true);
        writer.start();
        LOG.info("Accounting records go to {}", directory.toAbsolutePath());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        running = false;
        writer.interrupt();
        writer.join(5000);
    }

    @Override
    public String name() {
        return "file";
    }

    @Override
    public CompletionStage<Void> store(AccountingRecord record) {
        Pending pending = new Pending(record, new CompletableFuture<>());
        if (!running || !queue.offer(pending)) {
            pending.durable().completeExceptionally(new IOException("accounting file queue is full or closed"));
        }
        return pending.durable();
    }

    Path directory() {
        return directory;
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
            // Deactivated: whatever is still queued is refused below, and the NAS will retry it.
        } finally {
            List<Pending> left = new ArrayList<>();
            queue.drainTo(left);
            left.forEach(p -> p.durable().completeExceptionally(new IOException("accounting file sink stopped")));
            closeChannel();
        }
    }

    private void write(List<Pending> batch) {
        try {
            FileChannel out = channelFor(LocalDate.now(ZoneOffset.UTC));
            StringBuilder lines = new StringBuilder(batch.size() * 256);
            batch.forEach(p -> lines.append(JsonLines.line(p.record())));
            ByteBuffer buffer = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(false);
            batch.forEach(p -> p.durable().complete(null));
        } catch (IOException | RuntimeException e) {
            LOG.error("Could not write {} accounting records to {}: {}", batch.size(), directory, e.toString());
            batch.forEach(p -> p.durable().completeExceptionally(e));
            closeChannel();
        }
    }

    private FileChannel channelFor(LocalDate date) throws IOException {
        if (channel == null || !date.equals(channelDate)) {
            closeChannel();
            channel = FileChannel.open(directory.resolve("accounting-" + date + ".jsonl"), StandardOpenOption.CREATE,
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
                LOG.warn("Closing the accounting file failed: {}", e.toString());
            }
            channel = null;
        }
    }
}
