package org.radmfa.accounting.file.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records appended to a rotating set of files. One writer thread takes whatever has queued up, writes it and forces
 * it to disk once per file touched (group commit); only then does each record's stage complete. Forcing costs a few
 * hundred microseconds, so the writer forces at most once per {@link #MIN_FORCE_INTERVAL_NANOS}: under load it gathers
 * what arrives meanwhile into the same commit, and a record after a quiet spell is written at once. A record is never
 * split: a file is rotated between records, when the next one would pass the size limit or the period has changed.
 * A failed write is cut back to the last whole record, and the failure is handled by the {@link FailurePolicy}.
 */
final class RotatingLogFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RotatingLogFile.class);
    private static final int MAX_BATCH = 512;
    /**
     * At most about 500 forces a second: at 60,000 decisions a second, forcing whatever had queued (about 15
     * records) took as much CPU as deciding them. A record waits at most this long for its commit.
     */
    static final long MIN_FORCE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** delete-oldest deletes at most this many files for one batch before it refuses the batch. */
    private static final int MAX_DELETIONS_PER_BATCH = 1000;
    /** While failing, a repeated failure is logged at most this often (the count goes with it). */
    private static final Duration FAILURE_LOG_INTERVAL = Duration.ofMinutes(1);
    /**
     * While failing, free space must be at least this (or the threshold), and a write of this size must reach the
     * disk, before logging is taken to work again.
     */
    private static final long PROBE_MIN_FREE_BYTES = 64 * 1024;

    /** Free space of the file system holding a directory; a seam for tests that simulate a full disk. */
    @FunctionalInterface
    interface DiskSpace {
        DiskSpace FILE_STORE = directory -> Files.getFileStore(directory).getUsableSpace();

        long usableBytes(Path directory) throws IOException;
    }

    /** How the writer opens files; a seam for tests whose file opens but does not take a write. */
    @FunctionalInterface
    interface FileOpener {
        FileOpener FILE_CHANNEL = FileChannel::open;

        FileChannel open(Path path, OpenOption... options) throws IOException;
    }

    /** A write refused before it started, because free space is below the threshold. */
    static final class LowDiskSpaceException extends IOException {
        private static final long serialVersionUID = 1L;

        LowDiskSpaceException(String message) {
            super(message);
        }
    }

    /**
     * @param maxFileBytes rotate before a record would make the file larger; 0 for no limit
     * @param maxFiles keep at most this many of this sink's files, the newest; 0 for no limit
     * @param maxAgeDays delete this sink's files last written more than this many days ago; 0 for never
     * @param minFreeBytes treat free space below this as a failure; 0 for no threshold
     */
    record Options(Path directory, LogFileNaming naming, long maxFileBytes, int maxFiles, int maxAgeDays,
            long minFreeBytes, FailurePolicy onFailure, int queueCapacity, ZoneId zone) {
    }

    /** A record to write: its bytes (UTF-8 text) are made on the writer thread. */
    private record Pending(Supplier<byte[]> line, CompletableFuture<Void> durable) {
    }

    /** Wakes the writer when the file is closed, so that closing does not wait for the poll to time out. */
    private static final Pending WAKE_UP = new Pending(() -> new byte[0], new CompletableFuture<>());

    private final String name;
    private final Options options;
    private final Clock clock;
    private final DiskSpace disk;
    private final FileOpener opener;
    private final RecordQueue queue;
    private final Thread writer;
    private final AtomicLong refused;
    /** The writer thread waits for it before writing anything: the previous writer of the same sink has finished. */
    private final CompletionStage<?> after;
    /** Completes when the writer thread has closed the file and ended. */
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final AtomicLong lastQueueWarning = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL.toNanos() - 1);
    private volatile boolean running = true;
    private volatile String failure;
    private long refusedAtFailureStart;
    private Instant lastFailureLog = Instant.MIN;

    // Owned by the writer thread.
    private FileChannel channel;
    /** How often the writer forced the file to disk; written by the writer thread only. */
    private volatile long forces;
    /** When the writer last forced; only the writer thread uses it. */
    private long lastForceNanos = System.nanoTime() - MIN_FORCE_INTERVAL_NANOS;
    /** The bytes of one write, kept from batch to batch: only the writer thread uses it. */
    private final Chunk chunk = new Chunk();

    /** A byte buffer written to the file as it is, without the copy {@code toByteArray} would make. */
    private static final class Chunk extends ByteArrayOutputStream {
        Chunk() {
            super(64 << 10);
        }

        ByteBuffer contents() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }
    private Path current;
    private String currentBase;
    private int currentSequence;
    private long currentSize;
    /** How many records of the batch in hand are durable; read after a write failed part-way. */
    private int progress;

    RotatingLogFile(String name, Options options, Clock clock, DiskSpace disk) throws IOException {
        this(name, options, clock, disk, FileOpener.FILE_CHANNEL, new AtomicLong(),
                CompletableFuture.completedFuture(null));
    }

    /**
     * A writer that takes records at once but writes them only once {@code after} has completed: the previous writer
     * of a reconfigured sink, which may write to the same file, has finished.
     *
     * @param refused the sink's count of refused records, carried from writer to writer
     */
    RotatingLogFile(String name, Options options, Clock clock, DiskSpace disk, FileOpener opener, AtomicLong refused,
            CompletionStage<?> after) throws IOException {
        this.name = name;
        this.options = options;
        this.clock = clock;
        this.disk = disk;
        this.opener = opener;
        this.refused = refused;
        this.after = after;
        Files.createDirectories(options.directory());
        this.queue = new RecordQueue(Math.max(1, options.queueCapacity()));
        this.writer = new Thread(this::writeLoop, "radmfa-log-" + name);
        writer.setDaemon(true);
        writer.start();
    }

    /** Completes once the line is on disk; fails at once when the queue is full or the file is closed. */
    CompletableFuture<Void> append(String line) {
        return appendBytes(() -> line.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * As {@link #append(String)}, the line made on the writer thread as UTF-8 bytes: a format that writes bytes
     * itself (JSON) spares the copies a String would take on the way to the file.
     */
    CompletableFuture<Void> appendBytes(Supplier<byte[]> line) {
        Pending pending = new Pending(line, new CompletableFuture<>());
        if (!running || !queue.offer(pending)) {
            refused.incrementAndGet();
            pending.durable().completeExceptionally(new IOException(name + ": queue is full or closed"));
            long now = System.nanoTime();
            long last = lastQueueWarning.get();
            if (running && now - last > FAILURE_LOG_INTERVAL.toNanos() && lastQueueWarning.compareAndSet(last, now)) {
                LOG.warn("{}: {} records waiting for the disk, the queue is full: records are refused ({} so far)",
                        name, options.queueCapacity(), refused.get());
            }
        }
        return pending.durable();
    }

    Path directory() {
        return options.directory();
    }

    Options options() {
        return options;
    }

    /** Why the last write failed, while it has not succeeded since. */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** How many times the file was forced to disk, each a group commit. */
    long forces() {
        return forces;
    }

    long refused() {
        return refused.get();
    }

    /** Completes when the writer has written or refused every record, closed the file and ended. */
    CompletionStage<Void> finished() {
        return finished;
    }

    /** Records waiting for the disk. */
    int queued() {
        return queue.size();
    }

    /** Writes what is queued, then stops; new lines are refused from now on. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        queue.offerBeyondCapacity(WAKE_UP);
        writer.join(5000);
    }

    /**
     * The records waiting for the writer: many producers (the threads deciding requests), one consumer. A bounded
     * queue with one lock made the deciding threads queue for each other's offers; this one takes no lock, and a
     * producer wakes the writer only when it is waiting idle (not while it lets records gather).
     */
    private static final class RecordQueue {
        private final ConcurrentLinkedQueue<Pending> items = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();
        private final int capacity;
        private volatile Thread idleWriter;

        RecordQueue(int capacity) {
            this.capacity = capacity;
        }

        int size() {
            return Math.max(0, size.get());
        }

        boolean offer(Pending pending) {
            if (size.incrementAndGet() > capacity) {
                size.decrementAndGet();
                return false;
            }
            enqueue(pending);
            return true;
        }

        /** For the wake-up marker at close: counted like a record, never refused. */
        void offerBeyondCapacity(Pending pending) {
            size.incrementAndGet();
            enqueue(pending);
        }

        private void enqueue(Pending pending) {
            items.offer(pending);
            Thread idle = idleWriter;
            if (idle != null) {
                LockSupport.unpark(idle);
            }
        }

        /** The next record, waiting at most {@code nanos}; null if none came. Only the writer calls it. */
        Pending poll(long nanos) throws InterruptedException {
            Pending next = take();
            if (next != null) {
                return next;
            }
            // Published before looking again: a producer either sees the writer waiting or the writer sees its record.
            idleWriter = Thread.currentThread();
            try {
                long deadline = System.nanoTime() + nanos;
                while ((next = take()) == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    LockSupport.parkNanos(this, left);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
                return next;
            } finally {
                idleWriter = null;
            }
        }

        void drainTo(List<Pending> batch, int max) {
            Pending next;
            for (int taken = 0; taken < max && (next = take()) != null; taken++) {
                batch.add(next);
            }
        }

        void drainTo(List<Pending> batch) {
            drainTo(batch, Integer.MAX_VALUE);
        }

        boolean isEmpty() {
            return items.isEmpty();
        }

        private Pending take() {
            Pending next = items.poll();
            if (next != null) {
                size.decrementAndGet();
            }
            return next;
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        try {
            awaitPreviousWriter();
            while (running || !queue.isEmpty()) {
                Pending first = queue.poll(TimeUnit.SECONDS.toNanos(1));
                if (first == null || first == WAKE_UP) {
                    if (failure != null) {
                        probe();
                    } else {
                        watchFreeSpace();
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                gatherUntilForceIsDue(batch);
                batch.remove(WAKE_UP);
                write(batch);
                lastForceNanos = System.nanoTime();
                batch.clear();
            }
        } catch (InterruptedException e) {
            // Closed: whatever is still queued is refused below; for accounting the NAS will retry it.
        } finally {
            List<Pending> left = new ArrayList<>();
            queue.drainTo(left);
            left.remove(WAKE_UP);
            left.forEach(p -> p.durable().completeExceptionally(new IOException(name + ": closed")));
            refused.addAndGet(left.size());
            closeChannel();
            finished.complete(null);
        }
    }

    private void awaitPreviousWriter() throws InterruptedException {
        try {
            after.toCompletableFuture().get();
        } catch (ExecutionException e) {
            // The previous writer ended anyway: its failure is its own.
        }
    }

    /**
     * Lets records gather until the last force is {@link #MIN_FORCE_INTERVAL_NANOS} old, then takes them. The writer
     * sleeps meanwhile rather than waking for each record: a wake-up per record cost both threads more than it saved.
     */
    private void gatherUntilForceIsDue(List<Pending> batch) {
        long wait = lastForceNanos + MIN_FORCE_INTERVAL_NANOS - System.nanoTime();
        if (wait > 0 && running && batch.size() < MAX_BATCH && !batch.contains(WAKE_UP)) {
            LockSupport.parkNanos(wait);
            queue.drainTo(batch, MAX_BATCH - batch.size());
        }
    }

    private void write(List<Pending> batch) {
        List<byte[]> lines = new ArrayList<>(batch.size());
        List<Pending> writable = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            try {
                lines.add(pending.line().get());
                writable.add(pending);
            } catch (RuntimeException e) {
                LOG.error("{}: a record could not be formatted and is refused: {}", name, e.toString());
                refused.incrementAndGet();
                pending.durable().completeExceptionally(e);
            }
        }
        int done = 0;
        int deletions = 0;
        while (done < writable.size()) {
            try {
                done = writeFrom(writable, lines, done);
            } catch (IOException e) {
                done = progress;
                if (options.onFailure() == FailurePolicy.DELETE_OLDEST && deletions < MAX_DELETIONS_PER_BATCH
                        && lackOfSpace(e) && deleteOldest(e)) {
                    deletions++;
                    continue;
                }
                List<Pending> failed = writable.subList(done, writable.size());
                // State and count first: whoever sees a refused record also sees the failure.
                failed(e, failed.size());
                failed.forEach(p -> p.durable().completeExceptionally(e));
                return;
            }
        }
        recovered();
    }

    /** Writes records from index {@code start} on, rotating between records; returns the batch size. */
    private int writeFrom(List<Pending> batch, List<byte[]> lines, int start) throws IOException {
        progress = start;
        checkFreeSpace(options.minFreeBytes());
        openFor(today());
        chunk.reset();
        int chunkStart = start;
        for (int i = start; i < batch.size(); i++) {
            byte[] line = lines.get(i);
            long after = currentSize + chunk.size() + line.length;
            if (options.maxFileBytes() > 0 && currentSize + chunk.size() > 0 && after > options.maxFileBytes()) {
                flush(chunk, batch, chunkStart, i);
                chunk.reset();
                chunkStart = i;
                rotate();
            }
            chunk.write(line, 0, line.length);
        }
        flush(chunk, batch, chunkStart, batch.size());
        return batch.size();
    }

    /** Writes and forces one file's share of the batch, then completes those records; on failure cuts it back. */
    private void flush(Chunk chunk, List<Pending> batch, int from, int to) throws IOException {
        if (chunk.size() == 0) {
            return;
        }
        try {
            ByteBuffer buffer = chunk.contents();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
            forces++;
        } catch (IOException e) {
            cutBack();
            throw e;
        }
        currentSize += chunk.size();
        for (int i = from; i < to; i++) {
            batch.get(i).durable().complete(null);
        }
        progress = to;
    }

    /** A failed write may have left part of a record: cut the file back to its last whole record. */
    private void cutBack() {
        try {
            channel.truncate(currentSize);
        } catch (IOException e) {
            LOG.error("{}: could not cut {} back to its last whole record at {} bytes: {}", name, current,
                    currentSize, e.toString());
        }
        closeChannel();
    }

    private void checkFreeSpace(long threshold) throws IOException {
        if (threshold <= 0) {
            return;
        }
        long usable = disk.usableBytes(options.directory());
        if (usable < threshold) {
            throw new LowDiskSpaceException(String.format(java.util.Locale.ROOT, "only %.1f MB free in %s, below the threshold of %.1f MB",
                    usable / 1048576.0, options.directory(), threshold / 1048576.0));
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), options.zone());
    }

    /** Opens the file for this day's period: the newest file of the period if there is one, else a new one. */
    private void openFor(LocalDate date) throws IOException {
        String base = options.naming().base(date);
        if (channel != null && base.equals(currentBase)) {
            return;
        }
        boolean newPeriod = !base.equals(currentBase);
        closeChannel();
        int sequence = 0;
        for (Map.Entry<LogFileNaming.Parsed, Path> file : files().entrySet()) {
            if (file.getKey().base().equals(base)) {
                sequence = Math.max(sequence, file.getKey().sequence());
            }
        }
        open(base, sequence);
        if (newPeriod) {
            applyRetention();
        }
    }

    private void rotate() throws IOException {
        closeChannel();
        open(currentBase, currentSequence + 1);
        applyRetention();
    }

    private void open(String base, int sequence) throws IOException {
        Path path = options.directory().resolve(options.naming().fileName(base, sequence));
        channel = opener.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        current = path;
        currentBase = base;
        currentSequence = sequence;
        currentSize = channel.size();
    }

    /** This sink's files in its directory, oldest first. */
    private TreeMap<LogFileNaming.Parsed, Path> files() throws IOException {
        TreeMap<LogFileNaming.Parsed, Path> files = new TreeMap<>(LogFileNaming.Parsed.OLDEST_FIRST);
        try (Stream<Path> listing = Files.list(options.directory())) {
            listing.forEach(path -> {
                LogFileNaming.Parsed parsed = options.naming().parse(path.getFileName().toString());
                if (parsed != null && Files.isRegularFile(path)) {
                    files.put(parsed, path);
                }
            });
        }
        return files;
    }

    /** Keep at most maxFiles files and none older than maxAgeDays; the file being written is always kept. */
    private void applyRetention() {
        if (options.maxFiles() <= 0 && options.maxAgeDays() <= 0) {
            return;
        }
        try {
            List<Path> oldestFirst = new ArrayList<>(files().values());
            oldestFirst.remove(current);
            int excess = options.maxFiles() <= 0 ? 0 : oldestFirst.size() + 1 - options.maxFiles();
            Instant cutoff = clock.instant().minus(Duration.ofDays(options.maxAgeDays()));
            for (Path file : oldestFirst) {
                boolean tooMany = excess > 0;
                boolean tooOld = options.maxAgeDays() > 0
                        && Files.getLastModifiedTime(file).toInstant().isBefore(cutoff);
                if (tooMany || tooOld) {
                    delete(file, tooMany ? "more than maxFiles = " + options.maxFiles() + " files"
                            : "older than maxAgeDays = " + options.maxAgeDays());
                    excess--;
                }
            }
        } catch (IOException e) {
            LOG.error("{}: retention could not list or delete files in {}: {}", name, options.directory(),
                    e.toString());
        }
    }

    /**
     * Whether deleting files can cure the failure: free space below the threshold, or the file system out of space
     * (ENOSPC) or over quota (EDQUOT). Any other failure (access denied, an I/O error, a file too large, a directory
     * where the file should be) deletes nothing: deleting would empty the archive and still not write the record. The
     * JDK reports ENOSPC as a plain IOException with the C library's text; should that text be translated, free space
     * all but gone counts as well.
     */
    private boolean lackOfSpace(IOException failure) {
        if (failure instanceof LowDiskSpaceException) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device")
                    || message.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        try {
            return disk.usableBytes(options.directory()) < PROBE_MIN_FREE_BYTES;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * delete-oldest: frees space by deleting the oldest file that is not being written (nor, before any file was
     * opened, the newest, which is the one to be appended to); false if there is none.
     */
    private boolean deleteOldest(IOException cause) {
        try {
            List<Path> candidates = new ArrayList<>(files().values());
            if (current != null) {
                candidates.remove(current);
            } else if (!candidates.isEmpty()) {
                candidates.remove(candidates.size() - 1);
            }
            if (!candidates.isEmpty()) {
                delete(candidates.get(0), "onFailure = delete-oldest after: " + cause.getMessage());
                return true;
            }
        } catch (IOException e) {
            LOG.error("{}: could not list {} to free space: {}", name, options.directory(), e.toString());
        }
        return false;
    }

    private void delete(Path file, String why) throws IOException {
        try {
            Files.delete(file);
            LOG.warn("{}: deleted {} ({})", name, file, why);
        } catch (NoSuchFileException e) {
            // Gone already: nothing to free.
        }
    }

    private void failed(IOException cause, int records) {
        refused.addAndGet(records);
        Instant now = clock.instant();
        // The exception's kind tells what went wrong (NotDirectoryException, ...); the message alone may be a path.
        String reason = cause instanceof LowDiskSpaceException ? cause.getMessage()
                : cause.toString().replace("java.nio.file.", "").replace("java.io.", "");
        if (failure == null) {
            refusedAtFailureStart = refused.get() - records;
            LOG.error("{}: cannot write to {}: {}; onFailure = {}; {} record(s) refused so far{}", name,
                    options.directory(), reason, options.onFailure().configName(), records,
                    options.onFailure() == FailurePolicy.DISCARD_REQUESTS
                            ? "; Access-Requests are turned away until logging works again" : "");
            lastFailureLog = now;
        } else if (Duration.between(lastFailureLog, now).compareTo(FAILURE_LOG_INTERVAL) >= 0) {
            LOG.error("{}: still cannot write to {}: {}; {} record(s) refused since the failure began", name,
                    options.directory(), reason, refused.get() - refusedAtFailureStart);
            lastFailureLog = now;
        }
        failure = reason;
    }

    private void recovered() {
        if (failure != null) {
            failure = null;
            LOG.info("{}: writing to {} again; {} record(s) were refused while it failed", name,
                    options.directory(), refused.get() - refusedAtFailureStart);
        }
    }

    /** While idle: free space below the threshold is a failure before any record has to be refused. */
    private void watchFreeSpace() {
        try {
            checkFreeSpace(options.minFreeBytes());
        } catch (IOException e) {
            if (options.onFailure() == FailurePolicy.DELETE_OLDEST && lackOfSpace(e) && deleteOldest(e)) {
                return;
            }
            failed(e, 0);
        }
    }

    /**
     * While failing and idle: is there room again, does the file open, and does a write reach the disk? Then logging
     * works again. A file that opens is not yet a disk that takes writes (I/O errors, a quota reached): lifting the
     * failure on the open alone let discard-requests flap, letting Access-Requests in between two failed writes.
     */
    private void probe() {
        try {
            checkFreeSpace(Math.max(options.minFreeBytes(), PROBE_MIN_FREE_BYTES));
            openFor(today());
            writeProbe();
            recovered();
        } catch (IOException e) {
            if (options.onFailure() == FailurePolicy.DELETE_OLDEST && lackOfSpace(e)) {
                deleteOldest(e);
            }
        }
    }

    /**
     * Writes and forces {@link #PROBE_MIN_FREE_BYTES} to a scratch file beside the log, then deletes it. Not to the
     * log itself: bytes appended and cut back would look like a truncated file to a shipper that follows it. The
     * leading dot keeps the scratch file out of this sink's names (retention, search).
     */
    private void writeProbe() throws IOException {
        Path probe = options.directory().resolve("." + current.getFileName() + ".probe");
        try (FileChannel scratch = opener.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.allocate((int) PROBE_MIN_FREE_BYTES);
            while (bytes.hasRemaining()) {
                scratch.write(bytes);
            }
            scratch.force(false);
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                LOG.warn("{}: could not delete the write probe {}: {}", name, probe, e.toString());
            }
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("{}: closing {} failed: {}", name, current, e.toString());
            }
            channel = null;
        }
    }
}
