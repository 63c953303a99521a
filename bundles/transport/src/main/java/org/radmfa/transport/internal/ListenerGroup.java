package org.radmfa.transport.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The sockets serving one address and port: one {@link Listener} (socket and reading thread) per processor, all bound
 * to the same port with SO_REUSEPORT, so that the kernel spreads the gateways' flows over them and every thread
 * decides what it reads without handing it to another. A response leaves through the socket its request came in on,
 * so its source port is the one the gateway sent to.
 *
 * <p>SO_REUSEPORT would also let a second process of the same user bind the port unnoticed and take a share of the
 * traffic: before binding the group, the port is bound once without it, which fails if anything else holds it.
 */
final class ListenerGroup implements AutoCloseable {
    private final List<Listener> listeners;

    private ListenerGroup(List<Listener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /**
     * @param sockets how many sockets (and reading threads) share the port; 1, or where the platform has no
     *            SO_REUSEPORT, one plain socket
     */
    static ListenerGroup open(Listener.Kind kind, InetSocketAddress endpoint, int sockets,
            Listener.DatagramHandler handler) throws IOException {
        if (sockets <= 1 || !Listener.reusePortSupported()) {
            return new ListenerGroup(List.of(Listener.open(kind, endpoint, handler, false, 1)));
        }
        InetSocketAddress address = exclusivePort(endpoint);
        List<Listener> opened = new ArrayList<>();
        try {
            for (int i = 0; i < sockets; i++) {
                opened.add(Listener.open(kind, address, handler, true, i + 1));
            }
        } catch (IOException e) {
            opened.forEach(Listener::close);
            throw e;
        }
        return new ListenerGroup(opened);
    }

    /** The endpoint with its real port (a free one for port 0), after proving that nobody else holds it. */
    private static InetSocketAddress exclusivePort(InetSocketAddress endpoint) throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(endpoint);
            return new InetSocketAddress(endpoint.getAddress(),
                    ((InetSocketAddress) probe.getLocalAddress()).getPort());
        }
    }

    /** The bound address, with the real port when 0 was asked for. */
    InetSocketAddress boundAddress() throws IOException {
        return listeners.get(0).boundAddress();
    }

    int size() {
        return listeners.size();
    }

    @Override
    public void close() {
        listeners.forEach(Listener::close);
    }
}
