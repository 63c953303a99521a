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
import org.radmfa.api.UserDirectory;

/**
 * Each directory reachable: critical when none is (no one can log in), a warning when only some are (their users
 * cannot). Results are cached, so that a load balancer probing every second does not probe the directory as often.
 */
@Component(service = HealthCheck.class, configurationPid = DirectoriesCheck.PID,
        property = {HealthCheck.NAME + "=Directories", HealthCheck.TAGS + "=ready",
            HealthCheck.RESULT_CACHE_TTL_IN_MS + ":Long=10000"})
public final class DirectoriesCheck implements HealthCheck {
    static final String PID = "org.radmfa.health.directories";

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<UserDirectory> directories = new CopyOnWriteArrayList<>();

    public DirectoriesCheck() {
    }

    DirectoriesCheck(List<UserDirectory> directories) {
        this.directories.addAll(directories);
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        List<UserDirectory> current = List.copyOf(directories);
        if (current.isEmpty()) {
            log.critical("No user directory is running");
            return new Result(log);
        }
        int unreachable = 0;
        for (UserDirectory directory : current) {
            Optional<String> why = directory.unreachable();
            if (why.isPresent()) {
                unreachable++;
                log.warn("Directory {} unreachable: {}", directory.name(), why.get());
            } else {
                log.info("Directory {} reachable", directory.name());
            }
        }
        if (unreachable == current.size()) {
            log.critical("No directory is reachable: every login fails with DIRECTORY_UNAVAILABLE");
        }
        return new Result(log);
    }
}
