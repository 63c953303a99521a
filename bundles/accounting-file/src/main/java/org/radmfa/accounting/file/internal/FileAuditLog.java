package org.radmfa.accounting.file.internal;

import java.io.IOException;
import java.nio.file.Path;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.DecisionListener;
import org.radmfa.api.DecisionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every authentication decision as one JSON line, one file per day: the audit trail an operator follows a login
 * with, its correlation id linking it to the accounting records of its session (the NAS echoes it in Class). Never a
 * password, an OTP or a key: decisions carry none, and reply attribute values are left out.
 */
@Component(service = DecisionListener.class, configurationPid = FileAuditLog.PID)
@Designate(ocd = FileAuditLog.Config.class)
public final class FileAuditLog implements DecisionListener {
    static final String PID = "org.radmfa.audit.file";
    private static final Logger LOG = LoggerFactory.getLogger(FileAuditLog.class);

    @ObjectClassDefinition(name = "radmfa audit file", description = "Authentication decisions as JSON lines")
    @interface Config {
        @AttributeDefinition(name = "Directory",
                description = "Where the files go; empty means data/audit under the Karaf data folder")
        String directory() default "";

        @AttributeDefinition(name = "Queue capacity",
                description = "Decisions waiting for the disk; beyond it a decision is left out of the file and the"
                        + " log says so")
        int queueCapacity() default 10000;
    }

    private final DailyJsonFile file;

    @Activate
    public FileAuditLog(Config config) throws IOException {
        Path directory = config.directory().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "audit")
                : Path.of(config.directory());
        this.file = new DailyJsonFile(directory, "audit", config.queueCapacity());
        LOG.info("Authentication decisions are audited to {}", directory.toAbsolutePath());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        file.close();
    }

    @Override
    public void decided(DecisionRecord record) {
        file.append(() -> JsonLines.line(record)).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warn("Decision {} ({}) not written to the audit file: {}", record.id(), record.correlationId(),
                        failure.getMessage());
            }
        });
    }
}
