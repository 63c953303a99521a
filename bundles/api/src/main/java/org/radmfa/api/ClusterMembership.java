package org.radmfa.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Which appliances of a cluster this one sees, for health checks and metrics. Offered only while this appliance runs
 * as a cluster member.
 *
 * @since 1.9
 */
@ProviderType
public interface ClusterMembership {

    /** This appliance's node name. */
    String localNode();

    /** The members this appliance sees now, itself included, as address:port. */
    List<String> members();

    /** How many members the configuration lists (the member list), this appliance included. */
    int configuredMembers();
}
