package org.radmfa.jmx.internal;

import java.util.List;
import java.util.Map;

/**
 * The RADIUS counters of all clients together and of each client, as {@code org.radmfa:type=RadiusStatistics}.
 * Counters only grow (until a restart); a monitoring system takes rates from differences.
 */
public interface RadiusStatisticsMXBean {

    long getRequests();

    long getRetransmits();

    long getAccepts();

    long getRejects();

    long getChallenges();

    long getDrops();

    long getBadSecret();

    long getBadPassword();

    /** Rejects counted by NPS-style reason name, e.g. AUTHENTICATION_FAILED. */
    Map<String, Long> getRejectsByReason();

    /** Dropped datagrams counted by why they were dropped. */
    Map<String, Long> getDropsByReason();

    List<ClientCounters> getClients();
}
