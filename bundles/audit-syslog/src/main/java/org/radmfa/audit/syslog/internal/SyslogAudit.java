package org.radmfa.audit.syslog.internal;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.AccountingRecord;
import org.radmfa.api.AccountingSink;
import org.radmfa.api.DecisionListener;
import org.radmfa.api.DecisionRecord;
import org.radmfa.api.LoggingHealth;
import org.radmfa.api.config.ConfigReader;
import org.radmfa.api.config.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decisions and accounting records to a SIEM as RFC 5424 syslog over TCP or TLS, one factory configuration
 * ({@code etc/org.radmfa.audit.syslog-<name>.cfg}) per collector. The deciding thread formats the message and puts
 * it in a bounded buffer; a thread per collector sends it. Nothing here can hold up or change a RADIUS answer: a full
 * buffer drops the message and counts it ({@link #refusedRecords()}, seen by radmfa:health and /metrics).
 *
 * <p>A syslog copy is never what makes an accounting record durable (there is no acknowledgement in syslog over
 * TCP): {@link #store} completes exceptionally, so the Accounting-Response still waits for a file or database sink.
 */
@Component(service = {DecisionListener.class, AccountingSink.class, LoggingHealth.class},
        configurationPid = SyslogSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SyslogAudit.Config.class, factory = true)
public final class SyslogAudit implements DecisionListener, AccountingSink, LoggingHealth {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogAudit.class);

    /** Thrown for every accounting record: a copy, not a store. Shared, hence without a stack trace. */
    private static final class NotDurable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotDurable() {
            super("a syslog copy does not make an accounting record durable", null, false, false);
        }
    }

    private static final NotDurable NOT_DURABLE = new NotDurable();

    @ObjectClassDefinition(name = "radmfa audit to syslog",
            description = "Decisions and accounting records as RFC 5424 syslog messages over TCP or TLS (RFC 5425)")
    @interface Config {
        @AttributeDefinition(name = "Name", required = false, description = "The destination's name in logs and"
                + " counters (letters, digits, '.', '_', '-'); absent: the name after the factory PID in the file name")
        String name();

        @AttributeDefinition(name = "Collector host", description = "The syslog collector or SIEM; with TLS, the name"
                + " its certificate must carry")
        String host();

        @AttributeDefinition(name = "Port", description = "Default 6514 with TLS, 514 without")
        int port() default 6514;

        @AttributeDefinition(name = "TLS", description = "RFC 5425; false sends in the clear (a trusted network only)")
        boolean tls() default true;

        @AttributeDefinition(name = "CA file", description = "PEM CA certificate(s) that signed the collector's"
                + " certificate; relative to etc/")
        String caFile() default "";

        @AttributeDefinition(name = "Client certificate file", description = "PEM, for collectors that ask for one")
        String certificateFile() default "";

        @AttributeDefinition(name = "Client private key file", description = "Unencrypted PKCS#8 PEM")
        String privateKeyFile() default "";

        @AttributeDefinition(name = "Verify host name", description = "The collector's certificate must name the host")
        boolean verifyHostname() default true;

        @AttributeDefinition(name = "TLS versions")
        String tlsVersions() default "TLSv1.3,TLSv1.2";

        @AttributeDefinition(name = "Facility", description = "Name (authpriv, local0, ...) or number")
        String facility() default "authpriv";

        @AttributeDefinition(name = "Host name", description = "HOSTNAME in each message; empty: this host's name")
        String hostname() default "";

        @AttributeDefinition(name = "App name")
        String appName() default "radmfa";

        @AttributeDefinition(name = "SD-ID", description = "The structured data element's id,"
                + " name@enterprise-number, at most 32 characters")
        String structuredDataId() default "radmfa@32473";

        @AttributeDefinition(name = "Send decisions")
        boolean decisions() default true;

        @AttributeDefinition(name = "Send accounting records")
        boolean accounting() default true;

        @AttributeDefinition(name = "Buffer capacity", description = "Messages waiting for the collector; beyond it"
                + " a message is dropped and counted")
        int queueCapacity() default 10000;

        @AttributeDefinition(name = "Connect timeout (s)")
        int connectTimeoutSeconds() default 10;

        @AttributeDefinition(name = "Longest wait between reconnection attempts (s)")
        int reconnectMaxSeconds() default 60;
    }

    private final String procId = Long.toString(ManagementFactory.getRuntimeMXBean().getPid());
    private final Clock clock;
    /** Runs between the buffer's hand-over and the switch to the new settings: a test seam, nothing in production. */
    private final Runnable beforeSwitch;
    private volatile Active active;
    private volatile String refused;

    /** The settings in force with their formatter, buffer and sender. */
    private record Active(SyslogSettings settings, AuditMessages messages, SyslogBuffer buffer,
            SyslogSender sender) {
    }

    public SyslogAudit() {
        this(Clock.systemUTC());
    }

    /** @param clock paces the log lines about dropped messages */
    SyslogAudit(Clock clock) {
        this(clock, () -> { });
    }

    /**
     * @param beforeSwitch run during a reconfiguration after the buffer was handed over and before the new settings
     *     are in force, where a deciding thread may still see the old ones (tests use it to be that thread)
     */
    SyslogAudit(Clock clock, Runnable beforeSwitch) {
        this.clock = clock;
        this.beforeSwitch = beforeSwitch;
    }

    @Activate
    @Modified
    void configure(Map<String, Object> properties) {
        ConfigReader reader = SyslogSettings.TYPE.read(properties);
        SyslogSettings settings;
        try {
            settings = SyslogSettings.parse(properties);
        } catch (InvalidConfigurationException e) {
            refused = e.getMessage();
            LOG.error("{}{}", e.getMessage(), active == null ? "; nothing is sent to syslog"
                    : "; the last good configuration (" + active.settings() + ") keeps sending");
            return;
        }
        for (String key : reader.unknownKeys()) {
            LOG.warn("{}: unknown key '{}' ignored", reader.source(), key);
        }
        Active previous = active;
        SyslogBuffer buffer;
        if (previous == null) {
            buffer = new SyslogBuffer(settings.name(), settings.queueCapacity(), clock);
        } else {
            previous.sender().close();
            buffer = previous.buffer().capacity() == settings.queueCapacity()
                    && previous.settings().name().equals(settings.name()) ? previous.buffer()
                    : previous.buffer().resized(settings.name(), settings.queueCapacity());
        }
        AuditMessages messages = new AuditMessages(new Rfc5424(settings.facility(), settings.hostname(),
                settings.appName(), procId, settings.structuredDataId()));
        SyslogSender sender = new SyslogSender(settings.name(), buffer, settings.connector(), settings.backoff(),
                System::nanoTime).start();
        beforeSwitch.run();
        active = new Active(settings, messages, buffer, sender);
        refused = null;
        LOG.info("Audit syslog '{}': {}", settings.name(), settings);
    }

    @Deactivate
    void deactivate() {
        Active current = active;
        active = null;
        if (current != null) {
            current.sender().close();
            int lost = current.buffer().size();
            if (lost > 0) {
                LOG.warn("Audit syslog '{}' stopped with {} messages not sent", current.settings().name(), lost);
            }
        }
    }

    @Override
    public void decided(DecisionRecord record) {
        Active current = active;
        if (current != null && current.settings().decisions()) {
            current.buffer().offer(Rfc5424.frame(current.messages().decision(record)));
        }
    }

    @Override
    public CompletionStage<Void> store(AccountingRecord record) {
        Active current = active;
        if (current != null && current.settings().accounting()) {
            current.buffer().offer(Rfc5424.frame(current.messages().accounting(record)));
        }
        return CompletableFuture.failedStage(NOT_DURABLE);
    }

    /** "syslog:<name>", as in radmfa:health and the sink label of /metrics. */
    @Override
    public String name() {
        Active current = active;
        return "syslog:" + (current == null ? "(not configured)" : current.settings().name());
    }

    @Override
    public Optional<String> failure() {
        String invalid = refused;
        Active current = active;
        if (current == null) {
            return Optional.of(invalid == null ? "not configured" : invalid);
        }
        String failure = current.sender().failure();
        if (failure == null && invalid == null) {
            return Optional.empty();
        }
        return Optional.of((failure == null ? "" : failure + "; ") + current.buffer().dropped() + " dropped"
                + (invalid == null ? "" : "; refused configuration: " + invalid));
    }

    /** Never: a SIEM being away must not turn users away (the audit file's onFailure policy is for that). */
    @Override
    public boolean discardsRequests() {
        return false;
    }

    /** Messages dropped because the buffer was full. */
    @Override
    public long refusedRecords() {
        Active current = active;
        return current == null ? 0 : current.buffer().dropped();
    }

    @Override
    public long queuedRecords() {
        Active current = active;
        return current == null ? 0 : current.buffer().size();
    }
}
