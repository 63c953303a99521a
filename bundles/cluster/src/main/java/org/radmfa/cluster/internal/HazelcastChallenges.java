package org.radmfa.cluster.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedChallenges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.map.IMap;

/**
 * Access-Challenges waiting for an answer, in a Hazelcast map: keyed by a SHA-256 digest of the State (the State
 * itself is half of what answers a challenge), sealed by the vault (the user's groups and the policy's verdict are in
 * there), expiring with the MFA deadline. Taking one removes it, so a State answers once in the cluster. Publishing
 * does not wait; taking waits at most {@link #CLUSTER_WAIT_MILLIS}.
 */
final class HazelcastChallenges implements SharedChallenges {
    static final String CHALLENGES = "radmfa-challenges";
    static final long CLUSTER_WAIT_MILLIS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastChallenges.class);

    private final IMap<String, String> challenges;
    private final SecretVault vault;
    private final ClusterCalls clusterCalls = new ClusterCalls("radmfa-cluster-challenges", 1);

    HazelcastChallenges(IMap<String, String> challenges, SecretVault vault) {
        this.challenges = challenges;
        this.vault = vault;
    }

    @Override
    public void offer(byte[] state, String challenge, Duration pendingAtMost) {
        challenges.setAsync(key(state), vault.seal(challenge), pendingAtMost.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Optional<String> take(byte[] state) {
        String sealed;
        try {
            sealed = clusterCalls.call(() -> challenges.remove(key(state)), CLUSTER_WAIT_MILLIS);
        } catch (Exception e) {
            LOG.warn("The cluster did not answer for a challenge's State within {} ms ({})", CLUSTER_WAIT_MILLIS,
                    e.toString());
            return Optional.empty();
        }
        if (sealed == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(vault.open(sealed));
        } catch (IllegalArgumentException e) {
            LOG.error("A challenge in the cluster does not open with this node's vault key and is ignored");
            return Optional.empty();
        }
    }

    @Override
    public void discard(byte[] state) {
        challenges.deleteAsync(key(state));
    }

    void close() {
        clusterCalls.close();
    }

    private static String key(byte[] state) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("radmfa challenge\n".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest(state));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
