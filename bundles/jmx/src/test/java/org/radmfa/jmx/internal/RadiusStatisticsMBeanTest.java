package org.radmfa.jmx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import org.junit.jupiter.api.Test;
import org.radmfa.api.ClientStatistics;

class RadiusStatisticsMBeanTest {
    /** A server of this test's own (newMBeanServer keeps no reference to it). */
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final List<ClientStatistics> clients = new ArrayList<>();
    private final ObjectName name;

    RadiusStatisticsMBeanTest() throws Exception {
        name = new ObjectName(RadiusStatisticsMBean.OBJECT_NAME);
        server.registerMBean(new RadiusStatisticsMBean(() -> List.copyOf(clients)), name);
    }

    @Test
    void totalsAndPerClientCountersAreReadThroughJmxAndFollowTheLiveCounters() throws Exception {
        assertEquals(0L, server.getAttribute(name, "Accepts"));
        clients.add(new ClientStatistics("gateway", "ab:cd", Instant.ofEpochMilli(1_700_000_000_000L), 10, 2,
                Map.of("ACCEPT", 6L, "REJECT", 3L, "CHALLENGE", 1L), Map.of("AUTHENTICATION_FAILED", 3L),
                Map.of("bad authenticator", 4L), 4, 3));
        clients.add(new ClientStatistics("office", null, null, 5, 0, Map.of("ACCEPT", 5L),
                Map.of(), Map.of("bad authenticator", 1L, "malformed", 2L), 1, 0));

        assertEquals(15L, server.getAttribute(name, "Requests"));
        assertEquals(11L, server.getAttribute(name, "Accepts"));
        assertEquals(3L, server.getAttribute(name, "Rejects"));
        assertEquals(1L, server.getAttribute(name, "Challenges"));
        assertEquals(7L, server.getAttribute(name, "Drops"));
        assertEquals(5L, server.getAttribute(name, "BadSecret"));
        assertEquals(2L, server.getAttribute(name, "Retransmits"));

        TabularData drops = (TabularData) server.getAttribute(name, "DropsByReason");
        assertEquals(5L, drops.get(new Object[] {"bad authenticator"}).get("value"));
        assertEquals(2L, drops.get(new Object[] {"malformed"}).get("value"));

        CompositeData[] perClient = (CompositeData[]) server.getAttribute(name, "Clients");
        assertEquals(2, perClient.length);
        assertEquals("gateway", perClient[0].get("client"));
        assertEquals(6L, perClient[0].get("accepts"));
        assertEquals(1_700_000_000_000L, perClient[0].get("lastGoodPacket"));
        assertEquals("", perClient[1].get("secretFingerprint"));
        assertEquals(3L, perClient[1].get("drops"));
    }
}
