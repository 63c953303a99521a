package org.radmfa.jmx.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import javax.management.DynamicMBean;
import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.radmfa.api.ClientStatistics;
import org.radmfa.api.RadiusStatistics;

/**
 * Registered as a {@link DynamicMBean} service with {@code jmx.objectname}: Karaf's JMX whiteboard puts it into the
 * MBean server, behind Karaf's JMX ACLs ({@code etc/jmx.acl*.cfg}), and takes it out when this bundle stops.
 * Every read is computed from the live counters; nothing is cached here.
 */
@Component(service = DynamicMBean.class, property = "jmx.objectname=" + RadiusStatisticsMBean.OBJECT_NAME)
public final class RadiusStatisticsMBean extends StandardMBean implements RadiusStatisticsMXBean {
    static final String OBJECT_NAME = "org.radmfa:type=RadiusStatistics";

    private final RadiusStatistics statistics;

    @Activate
    public RadiusStatisticsMBean(@Reference RadiusStatistics statistics) throws NotCompliantMBeanException {
        super(RadiusStatisticsMXBean.class, true);
        this.statistics = statistics;
    }

    private long sum(ToLongFunction<ClientStatistics> counter) {
        return statistics.clients().stream().mapToLong(counter).sum();
    }

    private Map<String, Long> merged(Function<ClientStatistics, Map<String, Long>> counters) {
        Map<String, Long> merged = new TreeMap<>();
        for (ClientStatistics client : statistics.clients()) {
            counters.apply(client).forEach((key, count) -> merged.merge(key, count, Long::sum));
        }
        return merged;
    }

    @Override
    public long getRequests() {
        return sum(ClientStatistics::requests);
    }

    @Override
    public long getRetransmits() {
        return sum(ClientStatistics::duplicates);
    }

    @Override
    public long getAccepts() {
        return sum(client -> client.answers().getOrDefault("ACCEPT", 0L));
    }

    @Override
    public long getRejects() {
        return sum(client -> client.answers().getOrDefault("REJECT", 0L));
    }

    @Override
    public long getChallenges() {
        return sum(client -> client.answers().getOrDefault("CHALLENGE", 0L));
    }

    @Override
    public long getDrops() {
        return sum(client -> client.drops().values().stream().mapToLong(Long::longValue).sum());
    }

    @Override
    public long getBadSecret() {
        return sum(ClientStatistics::badSecret);
    }

    @Override
    public long getBadPassword() {
        return sum(ClientStatistics::badPassword);
    }

    @Override
    public Map<String, Long> getRejectsByReason() {
        return merged(ClientStatistics::rejects);
    }

    @Override
    public Map<String, Long> getDropsByReason() {
        return merged(ClientStatistics::drops);
    }

    @Override
    public List<ClientCounters> getClients() {
        return statistics.clients().stream().map(ClientCounters::new).toList();
    }
}
