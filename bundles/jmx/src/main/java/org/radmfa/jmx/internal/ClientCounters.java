package org.radmfa.jmx.internal;

import org.radmfa.api.ClientStatistics;

/** One client's counters, mapped by the MXBean rules to a CompositeData. */
public final class ClientCounters {
    private final ClientStatistics statistics;

    ClientCounters(ClientStatistics statistics) {
        this.statistics = statistics;
    }

    public String getClient() {
        return statistics.client();
    }

    /** The shared secret's fingerprint (never the secret), to compare with the NAS's. */
    public String getSecretFingerprint() {
        return statistics.secretFingerprint() == null ? "" : statistics.secretFingerprint();
    }

    /** Milliseconds since the epoch of the last packet whose authenticator checked out; 0 if none yet. */
    public long getLastGoodPacket() {
        return statistics.lastGoodPacket() == null ? 0 : statistics.lastGoodPacket().toEpochMilli();
    }

    public long getRequests() {
        return statistics.requests();
    }

    public long getRetransmits() {
        return statistics.duplicates();
    }

    public long getAccepts() {
        return statistics.answers().getOrDefault("ACCEPT", 0L);
    }

    public long getRejects() {
        return statistics.answers().getOrDefault("REJECT", 0L);
    }

    public long getChallenges() {
        return statistics.answers().getOrDefault("CHALLENGE", 0L);
    }

    public long getDrops() {
        return statistics.drops().values().stream().mapToLong(Long::longValue).sum();
    }

    public long getBadSecret() {
        return statistics.badSecret();
    }

    public long getBadPassword() {
        return statistics.badPassword();
    }
}
