package org.radmfa.cluster.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedChallenges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.core.EntryView;
import com.hazelcast.map.IMap;

/**
 * Access-Challenges waiting for an answer, in a Hazelcast map: keyed by a SHA-256 digest of the State (the State
 * itself is half of what answers a challenge), sealed by the vault (the user's groups and the policy's verdict are in
 * there), expiring with the MFA deadline. A State answers once in the cluster: whichever node answers it (another
 * node taking the challenge, or the node that made it withdrawing it to answer from its own copy) first puts a
 * "taken" mark under the same key in a second map, with putIfAbsent, so exactly one wins. The mark is sealed and
 * names its key, so that a host without the vault key cannot make a node refuse its own challenge, and it lasts as
 * long as the challenge could be answered. Publishing does not wait; taking and withdrawing wait at most
 * {@link #CLUSTER_WAIT_MILLIS}.
 */
final class HazelcastChallenges implements SharedChallenges {
    static final String CHALLENGES = "radmfa-challenges";
    static final String TAKEN = "radmfa-challenges-taken";
    static final long CLUSTER_WAIT_MILLIS = 500;
    /** A mark outlives its challenge by this much: the nodes' clocks differ a little. */
    private static final long MARK_MARGIN_MILLIS = 60_000;
    /**
     * How long a mark lasts when the challenge is not in the map (expired, or its publication has not landed yet):
     * longer than the MFA deadline usually is, so that a publication landing late cannot be taken after all.
     */
    private static final long MARK_WITHOUT_CHALLENGE_MILLIS = 600_000;
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastChallenges.class);

    private final IMap<String, String> challenges;
    private final IMap<String, String> taken;
    private final SecretVault vault;
    /** Names this node's marks: one it finds again is its own, not another node's. */
    private final String taker = UUID.randomUUID().toString();
    private final ClusterCalls clusterCalls = new ClusterCalls("radmfa-cluster-challenges", 2);

    HazelcastChallenges(IMap<String, String> challenges, IMap<String, String> taken, SecretVault vault) {
        this.challenges = challenges;
        this.taken = taken;
        this.vault = vault;
    }

    @Override
    public void offer(byte[] state, String challenge, Duration pendingAtMost) {
        challenges.setAsync(key(state), vault.seal(challenge), pendingAtMost.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Optional<String> take(byte[] state) {
        String key = key(state);
        String sealed;
        try {
            sealed = clusterCalls.call(() -> takeChallenge(key), CLUSTER_WAIT_MILLIS);
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

    /** The sealed challenge, if it is published and this node's mark went in first; null otherwise. */
    private String takeChallenge(String key) {
        EntryView<String, String> published = challenges.getEntryView(key);
        // No mark for a State nobody published: a stranger's guesses leave nothing behind.
        if (published == null || taken.putIfAbsent(key, mark(key), markMillis(published),
                TimeUnit.MILLISECONDS) != null) {
            return null;
        }
        challenges.deleteAsync(key);
        return published.getValue();
    }

    @Override
    public void discard(byte[] state) {
        challenges.deleteAsync(key(state));
    }

    @Override
    public boolean withdraw(byte[] state) {
        String key = key(state);
        String earlierMark;
        try {
            earlierMark = clusterCalls.call(() -> withdrawChallenge(key), CLUSTER_WAIT_MILLIS);
        } catch (Exception e) {
            LOG.warn("The cluster did not answer within {} ms whether another node took a challenge made here ({});"
                    + " it is answered here", CLUSTER_WAIT_MILLIS, e.toString());
            return true;
        }
        if (earlierMark == null || !takenByAnotherNode(key, earlierMark)) {
            return true;
        }
        LOG.warn("A challenge made here was already answered on another node: its State is refused here");
        return false;
    }

    /** The mark that was there before this node's, or null when this node's went in first. */
    private String withdrawChallenge(String key) {
        EntryView<String, String> published = challenges.getEntryView(key);
        long markMillis = published == null ? MARK_WITHOUT_CHALLENGE_MILLIS : markMillis(published);
        String earlier = taken.putIfAbsent(key, mark(key), markMillis, TimeUnit.MILLISECONDS);
        if (earlier == null && published != null) {
            challenges.deleteAsync(key);
        }
        return earlier;
    }

    private boolean takenByAnotherNode(String key, String mark) {
        try {
            String[] parts = vault.open(mark).split("\n", 3);
            return parts.length == 3 && parts[0].equals("taken") && parts[1].equals(key) && !parts[2].equals(taker);
        } catch (IllegalArgumentException e) {
            LOG.error("A challenge's taken mark in the cluster does not open with this node's vault key and is"
                    + " ignored");
            return false;
        }
    }

    private String mark(String key) {
        return vault.seal("taken\n" + key + "\n" + taker);
    }

    /** As long as the challenge can still be answered, and a margin. */
    private static long markMillis(EntryView<String, String> published) {
        if (published.getExpirationTime() == Long.MAX_VALUE) {
            return MARK_WITHOUT_CHALLENGE_MILLIS; // published without a deadline: not by a node of ours
        }
        return Math.max(0, published.getExpirationTime() - System.currentTimeMillis()) + MARK_MARGIN_MILLIS;
    }

    void close() {
        clusterCalls.close();
    }

    static String key(byte[] state) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("radmfa challenge\n".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest(state));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
