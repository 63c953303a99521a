package org.radmfa.accounting.file.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;

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
 * Accounting records as JSON lines in one append-only file per day (UTC), forced to disk before each record's stage
 * completes, so that an Accounting-Response always follows a durable record.
 */
@Component(service = AccountingSink.class, configurationPid = FileAccountingSink.PID)
@Designate(ocd = FileAccountingSink.Config.class)
public final class FileAccountingSink implements AccountingSink {
    static final String PID = "org.radmfa.accounting.file";
    private static final Logger LOG = LoggerFactory.getLogger(FileAccountingSink.class);

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

    private final DailyJsonFile file;

    @Activate
    public FileAccountingSink(Config config) throws IOException {
        Path directory = config.directory().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "accounting")
                : Path.of(config.directory());
        this.file = new DailyJsonFile(directory, "accounting", config.queueCapacity());
        LOG.info("Accounting records go to {}", directory.toAbsolutePath());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        file.close();
    }

    @Override
    public String name() {
        return "file";
    }

    @Override
    public CompletionStage<Void> store(AccountingRecord record) {
        return file.append(JsonLines.line(record));
    }

    Path directory() {
        return file.directory();
    }
}
