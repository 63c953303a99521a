package org.radmfa.cluster.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.radmfa.api.MfaOutcome;
import org.radmfa.api.SecretVault;
import org.radmfa.api.SharedMfaLogins;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;

/**
 * Pending second factors shared through two Hazelcast maps: claims (which node asks the connector for a login) and
 * outcomes (what that node's connector answered). Both are sealed by the vault, and an outcome names the claim it
 * answers (a random nonce, and the claim is fresh), so that a host without the key can neither read them nor pass
 * an old approval off as a new one. Both are keyed by an HMAC digest of the login ({@link ClusterDigestKey}, a key
 * of their own), since a host that reaches the cluster port can list the keys: it must not learn who logs in from
 * where. The cluster is never waited on for long: when it does not answer within {@link #CLUSTER_WAIT}, this node
 * claims the login itself.
 */
final class HazelcastMfaLogins implements SharedMfaLogins {
    static final String CLAIMS = "radmfa-mfa-claims";
    static final String OUTCOMES = "radmfa-mfa-outcomes";
    /** The digest key's purpose: not the one-time codes', so that one digest never stands for the other. */
    static final String DIGEST_PURPOSE = "mfa-logins";
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastMfaLogins.class);
    private static final long CLUSTER_WAIT = 500;
    private static final long OUTCOME_TTL_SECONDS = 120;

    /**
     * A claim: which member asks (its Hazelcast member UUID, which changes whenever a node restarts or rejoins after
     * a split: its name would not, and a restarted node's claims died with its first run), under which nonce, since
     * when.
     */
    private record Claim(String holder, String nonce, long issuedMillis) {
        String text() {
            return holder + "|" + nonce + "|" + issuedMillis;
        }

        static Claim parse(String text) {
            String[] parts = text.split("\\|", 3);
            return new Claim(parts[0], parts[1], Long.parseLong(parts[2]));
        }
    }

    private final Supplier<String> self;
    private final IMap<String, String> claims;
    private final IMap<String, String> outcomes;
    private final SecretVault vault;
    private final ClusterDigestKey digestKey;
    private final Supplier<Set<String>> members;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ClusterCalls clusterCalls = new ClusterCalls("radmfa-cluster-mfa", 2);
    /** Logins this node joined, by their key in the maps: the claim it waits for, and the outcome to come. */
    private final Map<String, Waiter> waiting = new ConcurrentHashMap<>();
    /** Logins this node claimed: their nonce and key in the maps, for the outcome it publishes. */
    private final Map<String, Claimed> claimed = new ConcurrentHashMap<>();

    private record Waiter(String login, String nonce, CompletableFuture<MfaOutcome> outcome) {
    }

    /** @param key the login's key in the maps, or null when the cluster did not answer the claim in time */
    private record Claimed(String nonce, String key) {
    }

    /** A claim put in the cluster: under which key, and the claim that was there before, if any. */
    private record Attempt(String key, String existing) {
    }

    /**
     * @param self this member's id, read at each claim (Hazelcast gives a member a new one when it rejoins)
     * @param members the ids of the members alive now
     */
    HazelcastMfaLogins(Supplier<String> self, IMap<String, String> claims, IMap<String, String> outcomes,
            SecretVault vault, ClusterDigestKey digestKey, Supplier<Set<String>> members, Clock clock) {
        this.self = self;
        this.claims = claims;
        this.outcomes = outcomes;
        this.vault = vault;
        this.digestKey = digestKey;
        this.members = members;
        this.clock = clock;
        class Listener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String> {
            @Override
            public void entryAdded(EntryEvent<String, String> event) {
                deliver(event.getKey(), event.getValue());
            }

            @Override
            public void entryUpdated(EntryEvent<String, String> event) {
                deliver(event.getKey(), event.getValue());
            }
        }
        outcomes.addEntryListener(new Listener(), true);
    }

    /** The logins of a member: claims held by member UUID. */
    static HazelcastMfaLogins on(HazelcastInstance member, SecretVault vault, Clock clock) {
        Cluster cluster = member.getCluster();
        return new HazelcastMfaLogins(() -> cluster.getLocalMember().getUuid().toString(), member.getMap(CLAIMS),
                member.getMap(OUTCOMES), vault, new ClusterDigestKey(member.getMap(ClusterDigestKey.KEYS),
                        DIGEST_PURPOSE, vault), () -> cluster.getMembers().stream()
                        .map(alive -> alive.getUuid().toString()).collect(Collectors.toSet()), clock);
    }

    /**
     * Makes or reads the cluster's digest key now (on the thread that joins the cluster), so that the first claim
     * after a start does not wait for it and fall back to asking the connector here.
     */
    void prepareKey() {
        digestKey.prepare();
    }

    /** The login's key in the maps. Reads the cluster's digest key: call it where the cluster may be waited on. */
    String key(String login) {
        return digestKey.digest(login);
    }

    @Override
    public Optional<CompletionStage<MfaOutcome>> claim(String login, Duration pendingAtMost) {
        String nonce = HexFormat.of().formatHex(nonceBytes());
        String me = self.get();
        Claim mine = new Claim(me, nonce, clock.millis());
        String sealed = vault.seal(login + "\n" + mine.text());
        try {
            // IMap has no asynchronous putIfAbsent: it runs on a small pool of its own, so that a request is never
            // held longer than CLUSTER_WAIT by a cluster that does not answer. The digest reads the cluster's key:
            // within the same bounded call.
            Attempt attempt = clusterCalls.call(() -> {
                String key = key(login);
                return new Attempt(key, claims.putIfAbsent(key, sealed, pendingAtMost.toMillis(),
                        TimeUnit.MILLISECONDS));
            }, CLUSTER_WAIT);
            String key = attempt.key();
            Claim held = attempt.existing() == null ? null : open(login, attempt.existing());
            if (held == null || held.holder().equals(me) || stale(held, pendingAtMost)
                    || !members.get().contains(held.holder())) {
                if (attempt.existing() != null) {
                    // No valid claim of a live node stands: this node takes it over.
                    claims.put(key, sealed, pendingAtMost.toMillis(), TimeUnit.MILLISECONDS);
                }
                claimed.put(login, new Claimed(nonce, key));
                return Optional.empty();
            }
            Waiter waiter = new Waiter(login, held.nonce(), new CompletableFuture<>());
            waiting.put(key, waiter);
            // The outcome may have been published before the waiter was in place.
            String published = outcomes.get(key);
            if (published != null) {
                deliver(key, published);
            }
            waiter.outcome().whenComplete((outcome, failure) -> waiting.remove(key, waiter));
            return Optional.of(waiter.outcome());
        } catch (Exception e) {
            LOG.warn("The cluster did not answer a claim for a second factor within {} ms ({}); asking it here",
                    CLUSTER_WAIT, e.toString());
            claimed.put(login, new Claimed(nonce, null));
            return Optional.empty();
        }
    }

    void close() {
        clusterCalls.close();
    }

    @Override
    public void completed(String login, MfaOutcome outcome) {
        Claimed mine = claimed.remove(login);
        if (mine == null) {
            return;
        }
        String state = outcome.state() == null ? "" : HexFormat.of().formatHex(outcome.state());
        String text = login + "\n" + mine.nonce() + "\n" + outcome.kind().name() + "\n" + state + "\n"
                + escape(outcome.prompt()) + "\n" + escape(outcome.detail());
        String sealed = vault.seal(text);
        if (mine.key() != null) {
            publish(mine.key(), sealed);
        } else {
            // The claim may have reached the cluster after all, and a node may wait for it: published once the key
            // is read, without holding the connector's thread.
            clusterCalls.later("publishing an MFA outcome", () -> publish(key(login), sealed));
        }
    }

    private void publish(String key, String sealedOutcome) {
        outcomes.putAsync(key, sealedOutcome, OUTCOME_TTL_SECONDS, TimeUnit.SECONDS);
        claims.removeAsync(key);
    }

    private void deliver(String key, String sealed) {
        Waiter waiter = waiting.get(key);
        if (waiter == null) {
            return;
        }
        String[] parts;
        try {
            parts = vault.open(sealed).split("\n", 6);
        } catch (IllegalArgumentException e) {
            LOG.error("An MFA outcome for a login does not open with this node's vault key and is ignored");
            return;
        }
        if (parts.length < 6 || !parts[0].equals(waiter.login()) || !parts[1].equals(waiter.nonce())) {
            return; // an outcome of another claim (an earlier login): not the one waited for
        }
        byte[] state = parts[3].isEmpty() ? null : HexFormat.of().parseHex(parts[3]);
        waiter.outcome().complete(new MfaOutcome(MfaOutcome.Kind.valueOf(parts[2]), unescape(parts[5]),
                parts[4].isEmpty() ? null : unescape(parts[4]), state));
    }

    private Claim open(String login, String sealed) {
        try {
            String[] parts = vault.open(sealed).split("\n", 2);
            return parts.length == 2 && parts[0].equals(login) ? Claim.parse(parts[1]) : null;
        } catch (IllegalArgumentException e) {
            LOG.error("A claim for a login does not open with this node's vault key and is ignored");
            return null;
        }
    }

    private boolean stale(Claim claim, Duration pendingAtMost) {
        return clock.millis() - claim.issuedMillis() > pendingAtMost.toMillis();
    }

    private byte[] nonceBytes() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String escape(String text) {
        return text == null ? "" : text.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String unescape(String text) {
        StringBuilder plain = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                plain.append(next == 'n' ? '\n' : next);
            } else {
                plain.append(c);
            }
        }
        return plain.toString();
    }
}
