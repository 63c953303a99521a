package org.radmfa.cluster.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import org.radmfa.api.SharedOneTimeCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.map.IMap;

/**
 * One-time codes used on any node, in a Hazelcast map: the first node to record a use wins, the entry expires when
 * the code could no longer be accepted anyway. Keys are SHA-256 digests of the use (a user's TOTP step), values the
 * node's name: nothing a host without the vault key could replay. The cluster is not waited on for long: when it
 * does not answer within {@link #CLUSTER_WAIT_MILLIS}, the use counts as the first, and the node's own replay guard
 * is what holds (as on a single appliance).
 */
final class HazelcastOneTimeCodes implements SharedOneTimeCodes {
    static final String USED = "radmfa-one-time-codes";
    static final long CLUSTER_WAIT_MILLIS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastOneTimeCodes.class);

    private final String node;
    private final IMap<String, String> used;
    private final ClusterCalls clusterCalls = new ClusterCalls("radmfa-cluster-otp", 1);

    HazelcastOneTimeCodes(String node, IMap<String, String> used) {
        this.node = node;
        this.used = used;
    }

    @Override
    public boolean firstUse(String use, Duration remember) {
        String key = digest(use);
        try {
            String first = clusterCalls.call(() -> used.putIfAbsent(key, node, remember.toMillis(),
                    TimeUnit.MILLISECONDS), CLUSTER_WAIT_MILLIS);
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

    void close() {
        clusterCalls.close();
    }

    private static String digest(String use) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    ("radmfa one-time code\n" + use).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
