package org.radmfa.health.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.LoggingHealth;

/**
 * Accounting and audit sinks writable. A sink that cannot write while its policy discards requests turns every
 * login away: critical. One that cannot write but lets logins through loses records: a warning.
 */
@Component(service = HealthCheck.class, configurationPid = LoggingSinksCheck.PID,
        property = {HealthCheck.NAME + "=Accounting and audit sinks", HealthCheck.TAGS + "=ready"})
public final class LoggingSinksCheck implements HealthCheck {
    static final String PID = "org.radmfa.health.logging";

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<LoggingHealth> sinks = new CopyOnWriteArrayList<>();

    public LoggingSinksCheck() {
    }

    LoggingSinksCheck(List<LoggingHealth> sinks) {
        this.sinks.addAll(sinks);
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        List<LoggingHealth> current = List.copyOf(sinks);
        if (current.isEmpty()) {
            log.info("No accounting or audit sink is configured");
        }
        for (LoggingHealth sink : current) {
            Optional<String> failure = sink.failure();
            if (failure.isEmpty()) {
                log.info("{} writable", sink.name());
            } else if (sink.discardsRequests()) {
                log.critical("{} cannot write ({}) and discards requests until it can", sink.name(), failure.get());
            } else {
                log.warn("{} cannot write ({}); {} record(s) refused", sink.name(), failure.get(),
                        sink.refusedRecords());
            }
        }
        return new Result(log);
    }
}
