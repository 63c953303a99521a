package org.radmfa.health.internal;

import java.util.List;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.radmfa.api.ClusterMembership;

/**
 * Cluster members seen. A missing member is a warning, not critical: this node keeps serving with its own
 * configuration, so it must stay in the load balancer's pool.
 */
@Component(service = HealthCheck.class, configurationPid = ClusterCheck.PID,
        property = {HealthCheck.NAME + "=Cluster members", HealthCheck.TAGS + "=ready"})
public final class ClusterCheck implements HealthCheck {
    static final String PID = "org.radmfa.health.cluster";

    // Optional: a mandatory reference would make the cluster feature a requirement of this bundle.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ClusterMembership cluster;

    public ClusterCheck() {
    }

    ClusterCheck(ClusterMembership cluster) {
        this.cluster = cluster;
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        ClusterMembership membership = cluster;
        if (membership == null) {
            log.info("Not a cluster member: this appliance runs alone");
            return new Result(log);
        }
        List<String> members = membership.members();
        int configured = membership.configuredMembers();
        if (members.size() < configured) {
            log.warn("Node {} sees {} of {} configured cluster members: {}", membership.localNode(), members.size(),
                    configured, members);
        } else {
            log.info("Node {} sees {} cluster members: {}", membership.localNode(), members.size(), members);
        }
        return new Result(log);
    }
}
