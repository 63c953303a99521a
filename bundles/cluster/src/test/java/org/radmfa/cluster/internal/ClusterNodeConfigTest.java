package org.radmfa.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.hazelcast.config.Config;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;

/** The member's configuration as built, without starting a member. */
class ClusterNodeConfigTest {

    /** After a split heals, every shared map merges the way the documentation and ConfigMirror rely on. */
    @Test
    void everySharedMapNamesItsMergePolicy() {
        Config config = ClusterNode.hazelcastConfig(new ClusterSettings("node1", "127.0.0.1", 5701,
                List.of("127.0.0.1:5701"), "radmfa-test", List.of(), List.of()));
        for (String map : List.of(ClusterNode.MAP_NAME, HazelcastMfaLogins.CLAIMS, HazelcastMfaLogins.OUTCOMES,
                HazelcastOneTimeCodes.USED, HazelcastChallenges.CHALLENGES, HazelcastMessageAuthenticators.RECEIVED,
                ClusterDigestKey.KEYS)) {
            assertEquals(PutIfAbsentMergePolicy.class.getName(), config.findMapConfig(map).getMergePolicyConfig()
                    .getPolicy(), map);
        }
        assertEquals(2, config.findMapConfig(ClusterNode.MAP_NAME).getBackupCount(), "every node holds a copy");
    }
}
