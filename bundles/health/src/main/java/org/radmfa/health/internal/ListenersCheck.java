package org.radmfa.health.internal;

import java.net.InetSocketAddress;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.ListenerStatus;
import org.radmfa.api.RadiusStatistics;

/** Critical unless every configured RADIUS listener has its socket open: a NAS cannot reach a port not bound. */
@Component(service = HealthCheck.class, configurationPid = ListenersCheck.PID,
        property = {HealthCheck.NAME + "=RADIUS listeners", HealthCheck.TAGS + "=ready"})
public final class ListenersCheck implements HealthCheck {
    static final String PID = "org.radmfa.health.listeners";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RadiusStatistics transport;

    public ListenersCheck() {
    }

    ListenersCheck(RadiusStatistics transport) {
        this.transport = transport;
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        RadiusStatistics current = transport;
        if (current == null) {
            log.critical("The RADIUS transport is not running");
            return new Result(log);
        }
        if (current.listeners().isEmpty()) {
            log.critical("No RADIUS listener is configured or open");
        }
        for (ListenerStatus listener : current.listeners()) {
            if (listener.open()) {
                log.info("RADIUS {} listening on {}", listener.kind(), text(listener.bound()));
            } else {
                log.critical("RADIUS {} cannot listen on {}: {}", listener.kind(), text(listener.configured()),
                        listener.failure());
            }
        }
        return new Result(log);
    }

    private static String text(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
