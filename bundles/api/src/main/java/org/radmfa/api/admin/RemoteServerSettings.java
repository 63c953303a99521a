package org.radmfa.api.admin;

import java.util.Objects;

/**
 * A remote RADIUS server of a remote RADIUS server group, as NPS configures one, without its shared secret (which
 * goes in through {@link RemoteServerAdmin#put} and never comes out). A group is the servers that name it.
 *
 * @param group the remote RADIUS server group, as a connection request policy's {@code serverGroup} names it
 * @param name the server's name, unique within its group
 * @param address IP address or DNS name
 * @param authPort its authentication port
 * @param acctPort its accounting port
 * @param priority lower first (1-65535)
 * @param weight share of the requests among servers of the same priority (1-100)
 * @param timeoutSeconds seconds without an answer before a request counts as lost there
 * @param maxLostRequests lost requests in a row after which the server is down
 * @param blackoutSeconds while down, how often it is probed with Status-Server
 * @param forwardAccounting whether Accounting-Requests of forwarded users go to it too
 * @param sendMessageAuthenticator whether every Access-Request to it carries a Message-Authenticator
 * @param requireMessageAuthenticator whether an answer without a valid Message-Authenticator counts as none
 * @since 1.2
 */
public record RemoteServerSettings(String group, String name, String address, int authPort, int acctPort,
        int priority, int weight, int timeoutSeconds, int maxLostRequests, int blackoutSeconds,
        boolean forwardAccounting, boolean sendMessageAuthenticator, boolean requireMessageAuthenticator) {

    public RemoteServerSettings {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
    }

    /** A server with NPS's defaults: ports 1812/1813, priority 1, weight 50, 3 s, 5 lost, 30 s, signing. */
    public static RemoteServerSettings withDefaults(String group, String name, String address) {
        return new RemoteServerSettings(group, name, address, 1812, 1813, 1, 50, 3, 5, 30, true, true, false);
    }
}
