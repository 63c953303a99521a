package org.radmfa.cluster.internal;

import java.util.List;

import org.radmfa.api.ClusterMembership;

import com.hazelcast.cluster.Cluster;

/** The members Hazelcast sees now, read at each call: health checks and metrics want the present, not a copy. */
final class HazelcastMembership implements ClusterMembership {
    private final String localNode;
    private final Cluster cluster;
    private final int configuredMembers;

    HazelcastMembership(String localNode, Cluster cluster, int configuredMembers) {
        this.localNode = localNode;
        this.cluster = cluster;
        this.configuredMembers = configuredMembers;
    }

    @Override
    public String localNode() {
        return localNode;
    }

    @Override
    public List<String> members() {
        return cluster.getMembers().stream().map(member -> member.getAddress().getHost() + ":"
                + member.getAddress().getPort()).sorted().toList();
    }

    @Override
    public int configuredMembers() {
        return configuredMembers;
    }
}
