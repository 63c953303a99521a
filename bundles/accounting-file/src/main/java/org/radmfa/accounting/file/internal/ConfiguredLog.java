package org.radmfa.accounting.file.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log file sink's configuration and writer, shared by the accounting and audit components: a refused
 * configuration leaves the last good one writing; a changed one opens the new writer, which takes records at once
 * and writes them once the old one has drained and closed. A configuration whose directory and file names another
 * sink writes already is refused ({@link LogFileClaims}).
 */
final class ConfiguredLog {
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredLog.class);
    private static final Duration REFUSAL_LOG_INTERVAL = Duration.ofMinutes(1);

    private record Active(LogSettings settings, RotatingLogFile file) {
    }

    private final ConfigType type;
    private final String pid;
    private final String kind;
    private final java.util.Set<RecordFormat> formats;
    private final Clock clock;
    private final RotatingLogFile.DiskSpace disk;
    private final RotatingLogFile.FileOpener opener;
    private final LogFileClaims claims;
    private volatile Active active;
    /** Records refused, by every writer this sink had and while it had none. */
    private final AtomicLong refused = new AtomicLong();
    private volatile String refusal = "not configured yet";
    /** Records refused for want of a writer since that was last logged; it is logged at most once a minute. */
    private final AtomicLong refusedUnlogged = new AtomicLong();
    private final AtomicReference<Instant> nextRefusalLog = new AtomicReference<>(Instant.MIN);

    /** @param type the component's metatype definition: its keys and defaults */
    ConfiguredLog(ConfigType type, String pid, String kind, java.util.Set<RecordFormat> formats, Clock clock,
            RotatingLogFile.DiskSpace disk, RotatingLogFile.FileOpener opener, LogFileClaims claims) {
        this.type = type;
        this.pid = pid;
        this.kind = kind;
        this.formats = java.util.Set.copyOf(formats);
        this.clock = clock;
        this.disk = disk;
        this.opener = opener;
        this.claims = claims;
    }

    synchronized void configure(Map<String, ?> properties) {
        ConfigReader config = type.read(properties);
        LogSettings settings;
        try {
            settings = LogSettings.parse(config, properties, pid, kind, formats);
        } catch (InvalidConfigurationException e) {
            refused(e.getMessage());
            return;
        }
        config.unknownKeys(LogSettings.NAME_KEY).forEach(key -> LOG.warn("{}: key '{}' is not a {} file setting and is"
                + " ignored", config.source(), key, kind));
        Active previous = active;
        if (previous != null && previous.settings().equals(settings)) {
            return;
        }
        try {
            java.nio.file.Files.createDirectories(settings.options().directory());
        } catch (IOException e) {
            refused(config.source() + ": key 'directory': cannot create " + settings.options().directory() + " ("
                    + e + ")");
            return;
        }
        LogFileClaims.Key claim = LogFileClaims.Key.of(settings.options().directory(), settings.options().naming());
        Optional<String> holder = claims.claim(claim, this, kind + " file '" + settings.name() + "' ("
                + config.source() + ")");
        if (holder.isPresent()) {
            refused(config.source() + ": key 'directory': " + claim.directory() + " already holds the "
                    + claim.names() + " files of " + holder.get() + "; two sinks writing the same names to one"
                    + " directory would rotate and delete each other's files: give each sink its own directory");
            return;
        }
        RotatingLogFile file;
        try {
            // Records go to the new writer at once, and it writes them once the old one has drained and closed: two
            // writers must never append to the same file, and none is refused for the switch.
            file = new RotatingLogFile(kind + " file '" + settings.name() + "'", settings.options(), clock, disk,
                    opener, refused, previous == null ? CompletableFuture.completedFuture(null)
                            : previous.file().finished());
        } catch (IOException e) {
            claims.release(claim, this);
            refused(config.source() + ": key 'directory': cannot create " + settings.options().directory() + " ("
                    + e + ")");
            return;
        }
        // Held until the writer has closed its last file: only then may another sink write there.
        file.finished().thenRun(() -> claims.release(claim, this));
        active = new Active(settings, file);
        refusal = null;
        if (previous != null) {
            closeQuietly(previous.file());
        }
        LOG.info("{} file '{}' writes {} to {} (rotation {}, maxFileMegabytes {}, maxFiles {}, maxAgeDays {},"
                + " minFreeMegabytes {}, onFailure {})", kind, settings.name(), settings.format().configName(),
                settings.options().directory().toAbsolutePath(), settings.options().naming().period()
                        .name().toLowerCase(java.util.Locale.ROOT),
                settings.options().maxFileBytes() >> 20, settings.options().maxFiles(),
                settings.options().maxAgeDays(), settings.options().minFreeBytes() >> 20,
                settings.options().onFailure().configName());
    }

    private void refused(String reason) {
        Active current = active;
        LOG.error("Refused {} file configuration {}; {}", kind, reason, current == null
                ? "nothing is written by this sink until it is fixed"
                : "the last good configuration keeps writing to " + current.settings().options().directory());
        if (current == null) {
            refusal = "refused configuration: " + reason;
        }
    }

    synchronized void close() {
        Active current = active;
        active = null;
        refusal = "stopped";
        if (current != null) {
            closeQuietly(current.file());
        }
    }

    private static void closeQuietly(RotatingLogFile file) {
        try {
            file.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Appends what the line maker makes of the settings (UTF-8 text); fails at once without a good configuration. */
    CompletableFuture<Void> append(Function<LogSettings, byte[]> line) {
        Active current = active;
        if (current == null) {
            refused.incrementAndGet();
            logRefusedWithoutWriter();
            return CompletableFuture.failedFuture(new IOException(kind + " file: " + notWriting()));
        }
        return current.file().appendBytes(() -> line.apply(current.settings()));
    }

    /**
     * A sink without a good configuration (or stopped) refuses every record: the refused configuration's ERROR came
     * once, so the refusals are logged too, or an audit trail could go on losing every decision with only a counter
     * and a DEBUG line to show for it. A WARN at the first, then at most once a minute with the count.
     */
    private void logRefusedWithoutWriter() {
        refusedUnlogged.incrementAndGet();
        Instant now = clock.instant();
        Instant due = nextRefusalLog.get();
        if (now.isBefore(due) || !nextRefusalLog.compareAndSet(due, now.plus(REFUSAL_LOG_INTERVAL))) {
            return;
        }
        LOG.warn("{} file: not writing ({}); {} record(s) refused since this was last logged, {} in all", kind,
                notWriting(), refusedUnlogged.getAndSet(0), refused.get());
    }

    /** "default" for the singleton configuration, else the factory configuration's name; null until configured. */
    String name() {
        Active current = active;
        return current == null ? null : current.settings().name();
    }

    Optional<String> failure() {
        Active current = active;
        return current == null ? Optional.of(notWriting()) : current.file().failure();
    }

    private String notWriting() {
        String reason = refusal;
        return reason == null ? "not configured" : reason;
    }

    boolean discardsRequests() {
        Active current = active;
        return current != null && current.settings().options().onFailure() == FailurePolicy.DISCARD_REQUESTS
                && current.file().failure().isPresent();
    }

    long refused() {
        return refused.get();
    }

    long queued() {
        Active current = active;
        return current == null ? 0 : current.file().queued();
    }

    /** The format written, null until configured. */
    RecordFormat format() {
        Active current = active;
        return current == null ? null : current.settings().format();
    }

    RotatingLogFile file() {
        Active current = active;
        return current == null ? null : current.file();
    }
}
