package org.radmfa.accounting.pgsql.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.radmfa.api.AccountingRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes: it takes what has queued up (a batch), inserts it in one transaction and completes
 * each record's stage after the COMMIT (group commit). When the database is away, slow or not yet migrated, the
 * batch goes to the {@link Spool} instead and its stages complete after the fsync. While the spool holds anything,
 * new records are appended to it too, so that the database receives every record in the order the writer took
 * them; the spool is replayed oldest first, one transaction per batch after each append (so that it drains under
 * load), a segment deleted only after its last record was committed. Reconnects back off from 250 ms to 30 s.
 */
final class Writer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Writer.class);
    static final int QUEUE_CAPACITY = 10_000;
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long IDLE_VALIDATE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Pending(AccountingRecord record, CompletableFuture<Void> done) {
    }

    /** Put in the queue by {@link #close()} to wake the writer at once; never stored. */
    private static final Pending WAKE = new Pending(null, new CompletableFuture<>());

    private final Database database;
    private final Spool spool;
    /** This appliance's name, stored with each record it receives. */
    private final String serverName;
    private final int batchSize;
    private final long flushNanos;
    private final int timeoutSeconds;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private volatile boolean running = true;

    // Writer thread only.
    private Connection connection;
    private long lastUsed;
    private boolean migrated;
    private long backoffNanos = MIN_BACKOFF_NANOS;
    private long nextAttempt = System.nanoTime();
    private boolean outageLogged;

    // Figures for tests and operators.
    private volatile long committed;
    private volatile long spooled;
    private volatile long replayed;

    Writer(Database database, Path spoolDirectory, int batchSize, int flushMillis, int timeoutSeconds,
            String serverName) throws IOException {
        this.database = database;
        this.serverName = serverName;
        this.spool = new Spool(spoolDirectory);
        this.batchSize = batchSize;
        this.flushNanos = TimeUnit.MILLISECONDS.toNanos(flushMillis);
        this.timeoutSeconds = timeoutSeconds;
        if (!spool.isEmpty()) {
            LOG.info("The accounting spool {} holds {} segment(s) from before: they go to the database first",
                    spoolDirectory, spool.segmentCount());
        }
        this.thread = new Thread(this::run, "radmfa-accounting-pgsql");
        thread.setDaemon(true);
        thread.start();
    }

    /** Completes after the COMMIT or the spool's fsync; fails when neither was possible or the queue is full. */
    CompletableFuture<Void> submit(AccountingRecord record) {
        Pending pending = new Pending(record, new CompletableFuture<>());
        if (!running) {
            pending.done().completeExceptionally(new IOException("PostgreSQL accounting is stopped"));
        } else if (!queue.offer(pending)) {
            pending.done().completeExceptionally(new IOException("PostgreSQL accounting queue is full ("
                    + QUEUE_CAPACITY + " records waiting)"));
        }
        return pending.done();
    }

    long committed() {
        return committed;
    }

    long spooled() {
        return spooled;
    }

    long replayed() {
        return replayed;
    }

    /** Records waiting for the writer. */
    int queued() {
        return queue.size();
    }

    boolean spoolEmpty() {
        return spoolSegments() == 0;
    }

    /** Racy snapshot for tests: spool segment files on disk. */
    int spoolSegments() {
        try (var files = java.nio.file.Files.list(spool.directory())) {
            return (int) files.filter(p -> p.getFileName().toString().endsWith(".seg")).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Stops taking records, writes what is queued (to the database or the spool), then stops. Bounded: after the
     * wait, the connection is closed under the thread's feet and whatever is still queued is refused.
     */
    @Override
    public void close() throws InterruptedException {
        running = false;
        queue.offer(WAKE);
        thread.join(TimeUnit.SECONDS.toMillis(timeoutSeconds * 4L + 5));
        if (thread.isAlive()) {
            LOG.warn("The PostgreSQL accounting writer did not stop in time; closing its connection");
            thread.interrupt();
            closeConnectionQuietly(connection);
            thread.join(5000);
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.stream().filter(p -> p != WAKE)
                .forEach(p -> p.done().completeExceptionally(new IOException("PostgreSQL accounting is stopped")));
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(batchSize);
        try {
            while (running || !queue.isEmpty()) {
                if (spool.isEmpty()) {
                    take(batch, TimeUnit.SECONDS.toNanos(1));
                    batch.removeIf(p -> p == WAKE);
                    if (!batch.isEmpty()) {
                        storeDirect(batch);
                    }
                } else {
                    // Everything queued goes to the spool's tail (one fsync), then one batch from its head goes to
                    // the database: replay makes progress under any load the database keeps up with, where it used
                    // to wait for an empty queue, which under sustained load never came. Order is kept: the spool
                    // is one sequence, read oldest first.
                    queue.drainTo(batch);
                    batch.removeIf(p -> p == WAKE);
                    if (!batch.isEmpty()) {
                        toSpool(batch);
                    }
                    if (System.nanoTime() - nextAttempt >= 0 && running) {
                        replayOneBatch();
                    } else if (batch.isEmpty()) {
                        long wait = Math.max(1, Math.min(nextAttempt - System.nanoTime(),
                                TimeUnit.SECONDS.toNanos(1)));
                        Pending first = queue.poll(wait, TimeUnit.NANOSECONDS);
                        if (first != null) {
                            batch.add(first);
                            queue.drainTo(batch, batchSize - 1);
                            batch.removeIf(p -> p == WAKE);
                            if (!batch.isEmpty()) {
                                toSpool(batch);
                            }
                        }
                    }
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("The PostgreSQL accounting writer failed; records are refused from now on", e);
            running = false;
            batch.forEach(p -> p.done().completeExceptionally(e));
        } finally {
            closeConnectionQuietly(connection);
            connection = null;
            spool.close();
        }
    }

    /** One batch: waits for a first record, then up to flushMillis for the batch to fill. */
    private void take(List<Pending> batch, long waitNanos) throws InterruptedException {
        Pending first = queue.poll(waitNanos, TimeUnit.NANOSECONDS);
        if (first == null || first == WAKE) {
            return;
        }
        batch.add(first);
        queue.drainTo(batch, batchSize - 1);
        long deadline = System.nanoTime() + flushNanos;
        while (batch.size() < batchSize) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Pending next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
            queue.drainTo(batch, batchSize - batch.size());
        }
    }

    private void storeDirect(List<Pending> batch) {
        Connection db = usableConnection();
        if (db != null) {
            List<AccountingRecord> records = records(batch);
            try {
                insertOrIsolate(db, records, serverName);
                committed += records.size();
                batch.forEach(p -> p.done().complete(null));
                return;
            } catch (SQLException e) {
                databaseFailed(e);
            }
        }
        toSpool(batch);
    }

    private void toSpool(List<Pending> batch) {
        try {
            spool.append(records(batch), serverName);
            spooled += batch.size();
            batch.forEach(p -> p.done().complete(null));
        } catch (IOException | RuntimeException e) {
            LOG.error("Could not write {} accounting records to the spool {} (is the disk full?): {}; they are "
                    + "refused and the NAS will send them again", batch.size(), spool.directory(), e.toString());
            batch.forEach(p -> p.done().completeExceptionally(e));
        }
    }

    private void replayOneBatch() {
        Connection db = usableConnection();
        if (db == null) {
            return;
        }
        List<Spool.Entry> entries;
        try {
            entries = spool.read(batchSize);
            if (entries.isEmpty()) {
                spool.dropExhaustedSegment();
                if (spool.isEmpty()) {
                    LOG.info("The accounting spool is empty: every spooled record is in PostgreSQL");
                }
                return;
            }
        } catch (IOException e) {
            LOG.error("Could not read the accounting spool {}: {}", spool.directory(), e.toString());
            scheduleRetry();
            return;
        }
        List<AccountingRecord> records = entries.stream().map(Spool.Entry::record).toList();
        // Spooled before the server name existed (format 1): the records were received by this spool's appliance,
        // which is the one replaying them, so its current name is stored.
        String server = entries.get(0).server() == null ? serverName : entries.get(0).server();
        try {
            insertOrIsolate(db, records, server);
            spool.commitRead(entries.get(entries.size() - 1));
            replayed += records.size();
            committed += records.size();
        } catch (SQLException e) {
            databaseFailed(e);
        }
    }

    /**
     * Inserts and commits. When PostgreSQL refuses the data itself (which the sanitising in {@link Rows} should
     * make impossible), each record goes alone, and the ones refused are kept in a dead-letter file next to the
     * spool instead of blocking every record behind them.
     */
    private void insertOrIsolate(Connection db, List<AccountingRecord> records, String server)
            throws SQLException {
        try {
            Rows.insert(db, records, server);
            db.commit();
            lastUsed = System.nanoTime();
        } catch (SQLException e) {
            Schema.rollbackQuietly(db);
            if (!Database.isDataError(e)) {
                throw e;
            }
            for (AccountingRecord record : records) {
                try {
                    Rows.insert(db, List.of(record), server);
                    db.commit();
                } catch (SQLException alone) {
                    Schema.rollbackQuietly(db);
                    if (!Database.isDataError(alone)) {
                        throw alone;
                    }
                    deadLetter(record, server, alone);
                }
            }
            lastUsed = System.nanoTime();
        }
    }

    private void deadLetter(AccountingRecord record, String server, SQLException why) throws SQLException {
        Path file = spool.directory().resolve("rejected.dead");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            Spool.frame(frame, record, server);
            ByteBuffer buffer = ByteBuffer.wrap(frame.toByteArray());
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(false);
        } catch (IOException e) {
            throw new SQLException("PostgreSQL refused accounting record " + record.id() + " ("
                    + Database.describe(why) + ") and it could not be set aside: " + e, "58030", e);
        }
        LOG.error("PostgreSQL refused accounting record {} from {}: {}; kept in {} (spool format)", record.id(),
                record.clientName(), Database.describe(why), file);
    }

    /** The writer's connection, opened (and the schema migrated) if need be; null while backing off or down. */
    private Connection usableConnection() {
        if (connection != null) {
            if (System.nanoTime() - lastUsed < IDLE_VALIDATE_NANOS) {
                return connection;
            }
            try {
                if (connection.isValid(timeoutSeconds)) {
                    lastUsed = System.nanoTime();
                    return connection;
                }
            } catch (SQLException e) {
                LOG.debug("Validating the accounting connection failed: {}", e.toString());
            }
            closeConnectionQuietly(connection);
            connection = null;
        }
        if (System.nanoTime() - nextAttempt < 0) {
            return null;
        }
        Connection fresh = null;
        try {
            fresh = database.open("radmfa accounting");
            if (!migrated) {
                Schema.migrate(fresh);
                migrated = true;
            }
            connection = fresh;
            lastUsed = System.nanoTime();
            backoffNanos = MIN_BACKOFF_NANOS;
            if (outageLogged) {
                LOG.info("PostgreSQL accounting database {} is reachable again", database.url());
                outageLogged = false;
            }
            return connection;
        } catch (SQLException e) {
            closeConnectionQuietly(fresh);
            databaseFailed(e);
            return null;
        }
    }

    private void databaseFailed(SQLException e) {
        closeConnectionQuietly(connection);
        connection = null;
        if (!outageLogged) {
            LOG.warn("PostgreSQL accounting database {} is not usable ({}); records go to the spool {} until it "
                    + "is", database.url(), Database.describe(e), spool.directory());
            outageLogged = true;
        } else {
            LOG.debug("PostgreSQL accounting database still not usable: {}", Database.describe(e));
        }
        scheduleRetry();
    }

    private void scheduleRetry() {
        nextAttempt = System.nanoTime() + backoffNanos;
        backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
    }

    private static List<AccountingRecord> records(List<Pending> batch) {
        List<AccountingRecord> records = new ArrayList<>(batch.size());
        batch.forEach(p -> records.add(p.record()));
        return records;
    }

    private static void closeConnectionQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the accounting connection failed: {}", e.toString());
            }
        }
    }
}
