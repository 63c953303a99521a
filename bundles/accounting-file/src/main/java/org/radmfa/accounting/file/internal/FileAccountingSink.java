package org.radmfa.accounting.file.internal;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.config.ConfigType;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AccountingSink;
import org.radmfa.api.LoggingHealth;

/**
 * Accounting records in rotating files, as JSON lines, NPS "DTS compliant" XML or the IAS format, forced to disk
 * before each record's stage completes, so that an Accounting-Response always follows a durable record. Without
 * configuration one JSON sink writes to data/accounting; {@code etc/org.radmfa.accounting.file.cfg} configures that
 * one, and factory configurations {@code etc/org.radmfa.accounting.file-<name>.cfg} make one sink each instead (use
 * one way or the other, not both).
 */
// Optional, explicitly: a factory designation alone makes bnd require a configuration, and the default sink must
// run without one.
@Component(service = {AccountingSink.class, LoggingHealth.class}, configurationPid = FileAccountingSink.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = FileAccountingSink.Config.class, factory = true)
public final class FileAccountingSink implements AccountingSink, LoggingHealth {
    static final String PID = "org.radmfa.accounting.file";

    @ObjectClassDefinition(name = "radmfa accounting file sink",
            description = "Accounting-Requests in rotating files: JSON lines, NPS DTS XML or IAS format")
    @interface Config {
        @AttributeDefinition(name = "Directory", description = "Where the files go; empty: data/accounting for the"
                + " default sink, data/accounting-<name> for a named one")
        String directory() default "";

        @AttributeDefinition(name = "Format", description = "json (one object per line), dts (NPS DTS compliant"
                + " XML) or ias (NPS IAS format)")
        String format() default "json";

        @AttributeDefinition(name = "Rotation", description = "A new file every day, week or month (NPS's"
                + " intervals), or none")
        String rotation() default "daily";

        @AttributeDefinition(name = "Maximum file size (MB)",
                description = "A new file before a record would make the file larger; 0 is no limit")
        int maxFileMegabytes() default 0;

        @AttributeDefinition(name = "Files kept", description = "Older files beyond this many are deleted; 0 keeps all")
        int maxFiles() default 0;

        @AttributeDefinition(name = "Days kept",
                description = "Files last written more than this many days ago are deleted; 0 keeps all")
        int maxAgeDays() default 0;

        @AttributeDefinition(name = "Minimum free space (MB)", description = "Below this the disk counts as full"
                + " and onFailure applies; 0 is off")
        int minFreeMegabytes() default 0;

        @AttributeDefinition(name = "On failure", description = "withhold-response (no Accounting-Response, the NAS"
                + " retries), delete-oldest (when out of space, delete old files and retry) or discard-requests"
                + " (also turn Access-Requests away until logging works)")
        String onFailure() default "withhold-response";

        @AttributeDefinition(name = "Time zone", description = "For file dates and NPS timestamps")
        String timeZone() default "UTC";

        @AttributeDefinition(name = "Computer name", description = "Computer-Name in NPS formats; empty: host name")
        String computerName() default "";

        @AttributeDefinition(name = "Queue capacity",
                description = "Records waiting for the disk; beyond it a record is refused and the NAS retries")
        int queueCapacity() default 10000;
    }

    private final ConfiguredLog log;

    /** For DS: the claims are the bundle's one set, shared with every other accounting and audit file. */
    @Activate
    public FileAccountingSink(@Reference LogFileClaims claims) {
        this(Clock.systemUTC(), RotatingLogFile.DiskSpace.FILE_STORE, RotatingLogFile.FileOpener.FILE_CHANNEL, claims);
    }

    /** A sink with claims of its own. */
    FileAccountingSink(Clock clock, RotatingLogFile.DiskSpace disk) {
        this(clock, disk, RotatingLogFile.FileOpener.FILE_CHANNEL, new LogFileClaims());
    }

    FileAccountingSink(Clock clock, RotatingLogFile.DiskSpace disk, RotatingLogFile.FileOpener opener,
            LogFileClaims claims) {
        this.log = new ConfiguredLog(ConfigType.of(Config.class), PID, "accounting",
                java.util.EnumSet.allOf(RecordFormat.class), clock, disk, opener, claims);
    }

    @Activate
    @Modified
    void configure(Map<String, Object> properties) {
        log.configure(properties);
    }

    @Deactivate
    void deactivate() {
        log.close();
    }

    /** "file" for the default sink, "file:<name>" for a named one. */
    @Override
    public String name() {
        String name = log.name();
        return name == null || name.equals(LogSettings.DEFAULT_NAME) ? "file" : "file:" + name;
    }

    @Override
    public CompletionStage<Void> store(AccountingRecord record) {
        return log.append(settings -> settings.format().format(record, settings.header())
                .getBytes(StandardCharsets.UTF_8));
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

    RotatingLogFile file() {
        return log.file();
    }
}
