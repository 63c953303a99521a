package org.radmfa.cluster.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.radmfa.api.SecretVault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.map.IMap;

/**
 * A key the nodes share for digests that a host without the vault key must not compute (HMAC-SHA256). The vault
 * does not hand its key out (it only seals and opens), so this key is random, made by the first node that needs it
 * and kept in a Hazelcast map sealed by the vault: only nodes holding etc/radmfa-vault.key can read it. A key that
 * does not open here (the vault key was changed on every node, or a stranger put it there) is replaced, so the
 * cluster heals without a restart. Each use reads the map, so that after a split heals every node takes the key
 * that survived the merge. Calls Hazelcast synchronously: use it from a thread that may wait for the cluster.
 */
final class ClusterDigestKey {
    static final String KEYS = "radmfa-cluster-keys";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDigestKey.class);
    private static final int MAX_ATTEMPTS = 4;

    private record Opened(String sealed, SecretKeySpec key) {
    }

    private final IMap<String, String> keys;
    private final String purpose;
    private final SecretVault vault;
    private final SecureRandom random = new SecureRandom();
    /** The last key opened: the vault is not asked again while the map holds the same sealed text. */
    private volatile Opened opened;

    /** @param purpose which key: each purpose has its own, so one digest can never stand for another's */
    ClusterDigestKey(IMap<String, String> keys, String purpose, SecretVault vault) {
        this.keys = keys;
        this.purpose = purpose;
        this.vault = vault;
    }

    /** HMAC-SHA256 of the text under the cluster's key, in hex. */
    String digest(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /**
     * Makes or reads the key now, without a bound (on the thread that joins the cluster), so that its first use
     * within a bounded call does not wait for it. Not fatal when the cluster cannot yet: the first use tries again.
     */
    void prepare() {
        try {
            digest("");
        } catch (RuntimeException e) {
            LOG.warn("Could not make or read the cluster's '{}' digest key yet ({})", purpose, e.toString());
        }
    }

    private SecretKeySpec key() {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String sealed = keys.get(purpose);
            Opened known = opened;
            if (sealed != null && known != null && known.sealed().equals(sealed)) {
                return known.key();
            }
            if (sealed != null) {
                SecretKeySpec key = open(sealed);
                if (key != null) {
                    opened = new Opened(sealed, key);
                    return key;
                }
                LOG.error("The cluster's '{}' digest key does not open with this node's vault key: replacing it (a"
                        + " stranger wrote it, or etc/radmfa-vault.key differs between the nodes)", purpose);
            }
            // Made here; whichever node stores first, every node reads the stored one on the next round.
            String fresh = vault.seal(Base64.getEncoder().encodeToString(randomKey()));
            if (sealed == null) {
                keys.putIfAbsent(purpose, fresh);
            } else {
                keys.replace(purpose, sealed, fresh);
            }
        }
        throw new IllegalStateException("the cluster's '" + purpose + "' digest key kept changing");
    }

    private SecretKeySpec open(String sealed) {
        try {
            byte[] key = Base64.getDecoder().decode(vault.open(sealed));
            return key.length == 32 ? new SecretKeySpec(key, "HmacSHA256") : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private byte[] randomKey() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return key;
    }
}
