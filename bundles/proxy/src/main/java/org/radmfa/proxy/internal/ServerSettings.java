package org.radmfa.proxy.internal;

import java.util.Objects;

import org.radmfa.api.SharedSecret;

/**
 * One remote RADIUS server as configured, validated.
 *
 * @param name the server's name
 * @param group the remote RADIUS server group it belongs to
 * @param host IP address or DNS name
 * @param authPort its authentication port
 * @param acctPort its accounting port
 * @param secret the shared secret between the appliance and it
 * @param priority lower first (NPS)
 * @param weight share among servers of the same priority (NPS)
 * @param timeoutMillis how long an answer may take before the request counts as lost and goes to the next server
 * @param maxLost consecutive lost requests after which the server is down
 * @param blackoutMillis how long a down server is left alone between Status-Server probes
 * @param forwardAccounting whether Accounting-Requests go to it too
 * @param sendMessageAuthenticator whether requests to it carry a Message-Authenticator
 * @param requireMessageAuthenticator whether its answers must carry one
 * @param radsec how to reach it over RadSec (RFC 6614), or null for UDP
 */
record ServerSettings(String name, String group, String host, int authPort, int acctPort, SharedSecret secret,
        int priority, int weight, long timeoutMillis, int maxLost, long blackoutMillis, boolean forwardAccounting,
        boolean sendMessageAuthenticator, boolean requireMessageAuthenticator, RadSecSettings radsec) {

    ServerSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(secret, "secret");
    }

    /** Over UDP. */
    ServerSettings(String name, String group, String host, int authPort, int acctPort, SharedSecret secret,
            int priority, int weight, long timeoutMillis, int maxLost, long blackoutMillis, boolean forwardAccounting,
            boolean sendMessageAuthenticator, boolean requireMessageAuthenticator) {
        this(name, group, host, authPort, acctPort, secret, priority, weight, timeoutMillis, maxLost, blackoutMillis,
                forwardAccounting, sendMessageAuthenticator, requireMessageAuthenticator, null);
    }

    String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + authPort + (radsec == null ? "" : " (radsec)");
    }
}
