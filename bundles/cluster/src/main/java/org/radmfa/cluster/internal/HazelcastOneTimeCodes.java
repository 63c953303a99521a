package org.radmfa.cluster.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedOneTimeCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * One-time codes used on any node, in a Hazelcast map: the first node to record a use wins, the entry expires when
 * the code could no longer be accepted anyway. Keys are HMAC digests of the use (a user's TOTP step) under a key
 * only the nodes can read ({@link ClusterDigestKey}), values the node's name: a host without the vault key can
 * neither tell whose use an entry records nor write one that refuses a user's code in advance. The cluster is not
 * waited on for long: when it does not answer within {@link #CLUSTER_WAIT_MILLIS}, the use counts as the first, and
 * the node's own replay guard is what holds (as on a single appliance).
 */
final class HazelcastOneTimeCodes implements SharedOneTimeCodes {
    static final String USED = "radmfa-one-time-codes";
    static final long CLUSTER_WAIT_MILLIS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastOneTimeCodes.class);

    private final String node;
    private final IMap<String, String> used;
    private final ClusterDigestKey digestKey;
    private final ClusterCalls clusterCalls = new ClusterCalls("radmfa-cluster-otp", 1);

    HazelcastOneTimeCodes(String node, IMap<String, String> used, ClusterDigestKey digestKey) {
        this.node = node;
        this.used = used;
        this.digestKey = digestKey;
    }

    /** The node's one-time codes on the member's maps. */
    static HazelcastOneTimeCodes on(HazelcastInstance member, String node, SecretVault vault) {
        return new HazelcastOneTimeCodes(node, member.getMap(USED),
                new ClusterDigestKey(member.getMap(ClusterDigestKey.KEYS), "one-time-codes", vault));
    }

    @Override
    public boolean firstUse(String use, Duration remember) {
        try {
            // The digest reads the cluster's key: within the same bounded call.
            String first = clusterCalls.call(() -> used.putIfAbsent(digestKey.digest(use), node,
                    remember.toMillis(), TimeUnit.MILLISECONDS), CLUSTER_WAIT_MILLIS);
            if (first != null) {
                LOG.warn("A one-time code already used on node {} was offered again here, and refused", first);
            }
            return first == null;
        } catch (Exception e) {
            LOG.warn("The cluster did not record a one-time code within {} ms ({}); this node's replay guard applies",
                    CLUSTER_WAIT_MILLIS, e.toString());
            return true;
        }
    }

    /**
     * Makes or reads the cluster's digest key now, without a bound (on the thread that joins the cluster), so that
     * the first code checked after a start does not wait for it and fall back to this node's own guard.
     */
    void prepareKey() {
        digestKey.prepare();
    }

    void close() {
        clusterCalls.close();
    }
}
