package org.radmfa.health.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.radmfa.api.MfaActivity;
import org.radmfa.api.MfaStatus;

/**
 * The second factor: a warning, never critical, when no connector is bound or one was recently unavailable. Logins
 * whose policy needs no second factor still work then, so the appliance stays in its load balancer's pool.
 */
@Component(service = HealthCheck.class, configurationPid = MfaConnectorCheck.PID,
        property = {HealthCheck.NAME + "=MFA connector", HealthCheck.TAGS + "=ready"})
@Designate(ocd = MfaConnectorCheck.Config.class)
public final class MfaConnectorCheck implements HealthCheck {
    static final String PID = "org.radmfa.health.mfa";

    @ObjectClassDefinition(name = "radmfa health: MFA connector",
            description = "Whether an MFA connector is bound and has been available lately")
    @interface Config {
        @AttributeDefinition(name = "Recent failure (seconds)",
                description = "A connector unavailable within this many seconds is reported as a warning")
        long recentFailureSeconds() default 300;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MfaActivity activity;

    private final Clock clock;
    private volatile Duration recentFailure;

    @Activate
    public MfaConnectorCheck(Config config) {
        this(Clock.systemUTC(), null, config);
    }

    MfaConnectorCheck(Clock clock, MfaActivity activity, Config config) {
        this.clock = clock;
        this.activity = activity;
        configure(config);
    }

    @Modified
    void configure(Config config) {
        recentFailure = Duration.ofSeconds(config.recentFailureSeconds());
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        MfaActivity current = activity;
        if (current == null) {
            log.warn("The request pipeline is not running: no second factor can be asked for");
            return new Result(log);
        }
        MfaStatus status = current.status();
        if (status.connector() == null) {
            log.warn("No MFA connector is bound: logins whose policy asks for a second factor are rejected"
                    + " (MFA_UNAVAILABLE)");
        } else {
            log.info("MFA connector {}, {} second factor(s) pending", status.connector(), status.pending());
        }
        Instant unavailable = status.lastUnavailable();
        if (unavailable != null && unavailable.isAfter(clock.instant().minus(recentFailure))) {
            log.warn("MFA connector unavailable at {}: {}", unavailable, status.lastUnavailableDetail());
        }
        return new Result(log);
    }
}
