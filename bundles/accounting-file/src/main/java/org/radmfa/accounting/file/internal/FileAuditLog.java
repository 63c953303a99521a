package org.radmfa.accounting.file.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.DecisionListener;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.LoggingHealth;
import org.radmfa.api.audit.AuditQuery;
import org.radmfa.api.audit.AuditSearch;
import org.radmfa.api.audit.AuditSearchResult;
import org.radmfa.api.audit.AuditedDecision;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every authentication decision as one JSON line (or one NPS DTS Event), in rotating files: the audit trail an operator follows a login
 * with, its correlation id linking it to the accounting records of its session (the NAS echoes it in Class). Never a
 * password, an OTP or a key: decisions carry none, and reply attribute values are left out. Rotation, retention and
 * the failure policy are those of the accounting files; with {@code onFailure = discard-requests} a failing audit
 * file turns Access-Requests away, as NPS does when its log cannot be written. In JSON, the trail is searchable
 * ({@link AuditSearch}): the console and {@code radmfa:audit-search} read it back, current and rotated files.
 */
@Component(service = {DecisionListener.class, LoggingHealth.class, AuditSearch.class},
        configurationPid = FileAuditLog.PID)
@Designate(ocd = FileAuditLog.Config.class)
public final class FileAuditLog implements DecisionListener, LoggingHealth, AuditSearch {
    static final String PID = "org.radmfa.audit.file";
    private static final Logger LOG = LoggerFactory.getLogger(FileAuditLog.class);

    @ObjectClassDefinition(name = "radmfa audit file",
            description = "Authentication decisions as JSON lines or NPS DTS compliant XML")
    @interface Config {
        @AttributeDefinition(name = "Format", description = "json (one object per line, with the trace) or dts"
                + " (NPS DTS compliant XML, one Event per decision)")
        String format() default "json";

        @AttributeDefinition(name = "Time zone", description = "For file dates and NPS timestamps")
        String timeZone() default "UTC";

        @AttributeDefinition(name = "Computer name", description = "Computer-Name in DTS; empty: host name")
        String computerName() default "";

        @AttributeDefinition(name = "Directory",
                description = "Where the files go; empty means data/audit under the Karaf data folder")
        String directory() default "";

        @AttributeDefinition(name = "Rotation", description = "daily, weekly, monthly or none")
        String rotation() default "daily";

        @AttributeDefinition(name = "Maximum file size (MB)", description = "0 is no limit")
        int maxFileMegabytes() default 0;

        @AttributeDefinition(name = "Files kept", description = "0 keeps all")
        int maxFiles() default 0;

        @AttributeDefinition(name = "Days kept", description = "0 keeps all")
        int maxAgeDays() default 0;

        @AttributeDefinition(name = "Minimum free space (MB)", description = "0 is off")
        int minFreeMegabytes() default 0;

        @AttributeDefinition(name = "On failure", description = "withhold-response (the decision is left out of"
                + " the file, logged and counted), delete-oldest or discard-requests")
        String onFailure() default "withhold-response";

        @AttributeDefinition(name = "Queue capacity",
                description = "Decisions waiting for the disk; beyond it a decision is left out of the file and the"
                        + " log says so")
        int queueCapacity() default 10000;

        @AttributeDefinition(name = "Lines one search reads at most",
                description = "Bounds the work of one audit search (console, radmfa:audit-search); a search that"
                        + " reaches it stops and says where.")
        int searchMaxLines() default 2_000_000;
    }

    private static final ConfigType TYPE = ConfigType.of(Config.class);

    private final ConfiguredLog log;
    private volatile int searchMaxLines = 2_000_000;

    /** For DS: the claims are the bundle's one set, shared with every accounting file. */
    @Activate
    public FileAuditLog(@Reference LogFileClaims claims) {
        this(Clock.systemUTC(), RotatingLogFile.DiskSpace.FILE_STORE, claims);
    }

    /** An audit file with claims of its own. */
    FileAuditLog(Clock clock, RotatingLogFile.DiskSpace disk) {
        this(clock, disk, new LogFileClaims());
    }

    FileAuditLog(Clock clock, RotatingLogFile.DiskSpace disk, LogFileClaims claims) {
        this.log = new ConfiguredLog(TYPE, PID, "audit", java.util.EnumSet.of(RecordFormat.JSON, RecordFormat.DTS),
                clock, disk, RotatingLogFile.FileOpener.FILE_CHANNEL, claims);
    }

    @Activate
    @Modified
    void configure(Map<String, Object> properties) {
        log.configure(properties);
        try {
            searchMaxLines = TYPE.read(properties).integer("searchMaxLines", 1000, 1_000_000_000);
        } catch (InvalidConfigurationException e) {
            LOG.error("{} (the search keeps reading at most {} lines)", e.getMessage(), searchMaxLines);
        }
    }

    @Deactivate
    void deactivate() {
        log.close();
    }

    @Override
    public void decided(DecisionRecord record) {
        log.append(settings -> settings.format() == RecordFormat.DTS
                ? DtsFormat.decision(record, settings.header()).getBytes(StandardCharsets.UTF_8)
                : JsonLines.lineBytes(record)).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.debug("Decision {} ({}) not written to the audit file: {}", record.id(), record.correlationId(),
                        failure.getMessage());
            }
        });
    }

    /** "audit file", or "audit file:<name>" for a factory configuration {@code org.radmfa.audit.file-<name>.cfg}. */
    @Override
    public AuditSearchResult search(AuditQuery query) {
        try {
            return trail().search(query);
        } catch (IOException e) {
            throw new UncheckedIOException(description() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<AuditedDecision> decision(String correlationId) {
        try {
            return trail().decision(correlationId);
        } catch (IOException e) {
            throw new UncheckedIOException(description() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String description() {
        RotatingLogFile file = log.file();
        return file == null ? name() : name() + " in " + file.directory().toAbsolutePath();
    }

    /** @throws IllegalStateException while not configured, or when the files are NPS XML */
    private AuditTrail trail() {
        RotatingLogFile file = log.file();
        if (file == null) {
            throw new IllegalStateException(name() + ": " + log.failure().orElse("not configured"));
        }
        if (log.format() != RecordFormat.JSON) {
            throw new IllegalStateException(description() + " is written as NPS DTS XML: only JSON lines"
                    + " (format = json) can be searched");
        }
        return new AuditTrail(file.directory(), file.options().naming(), searchMaxLines);
    }

    @Override
    public String name() {
        String name = log.name();
        return name == null || name.equals(LogSettings.DEFAULT_NAME) ? "audit file" : "audit file:" + name;
    }

    @Override
    public Optional<String> failure() {
        return log.failure();
    }

    @Override
    public boolean discardsRequests() {
        return log.discardsRequests();
    }

    @Override
    public long refusedRecords() {
        return log.refused();
    }

    @Override
    public long queuedRecords() {
        return log.queued();
    }
}
