package org.radmfa.api;

import java.net.InetSocketAddress;

/**
 * One configured RADIUS listener, for health checks: whether its socket is open, and if not, why.
 *
 * @param kind "authentication" or "accounting"
 * @param configured the address and port as configured (port 0: any free port)
 * @param bound the address the socket is bound to, real port included, or null while it is not open
 * @param failure why it could not be opened, or null while it is open
 * @since 1.9
 */
public record ListenerStatus(String kind, InetSocketAddress configured, InetSocketAddress bound,
        String failure) {

    public boolean open() {
        return bound != null;
    }
}
