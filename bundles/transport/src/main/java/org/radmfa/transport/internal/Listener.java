package org.radmfa.transport.internal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound UDP socket and the thread that reads it. Reading is all the thread does besides the cheap checks:
 * decisions complete elsewhere and send through the same socket, which is safe for concurrent senders.
 *
 * <p>A {@link DatagramSocket}, not a {@code DatagramChannel}: answers are sent by whatever thread completes a decision
 * (an HTTP client's, a timer's), and a thread may be interrupted while it does, for example by a component that stops
 * its executor with {@code shutdownNow} as its bundle goes. A channel is interruptible: it closes itself on that send,
 * and the appliance would have lost this socket, and every answer still to leave through it, for good. Since Java 15
 * a DatagramSocket is an uninterruptible channel underneath, with the same cost per datagram.
 */
final class Listener implements Responder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);
    private static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    /** What a listener serves: authentication (Access-Request) or accounting (Accounting-Request). */
    enum Kind {
        AUTH,
        ACCOUNTING
    }

    interface DatagramHandler {
        void onDatagram(Listener listener, byte[] datagram, InetSocketAddress source);
    }

    private final Kind kind;
    private final InetSocketAddress endpoint;
    private final DatagramSocket socket;
    private final Thread reader;

    private Listener(Kind kind, InetSocketAddress endpoint, DatagramSocket socket, DatagramHandler handler,
            int number) {
        this.kind = kind;
        this.endpoint = endpoint;
        this.socket = socket;
        this.reader = new Thread(() -> read(handler), "radmfa-radius-" + kind.name().toLowerCase() + "-" + endpoint
                + "-" + number);
        reader.setDaemon(true);
    }

    static boolean reusePortSupported() {
        try (DatagramSocket socket = new DatagramSocket(null)) {
            return socket.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param reusePort whether the port is shared with the other sockets of a {@link ListenerGroup}
     * @param number the socket's number in its group, for the thread's name
     */
    static Listener open(Kind kind, InetSocketAddress endpoint, DatagramHandler handler, boolean reusePort,
            int number) throws IOException {
        DatagramSocket socket = new DatagramSocket(null);
        try {
            if (reusePort) {
                socket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            // A gateway's burst must wait in the socket, not be dropped by the kernel; Linux caps this at rmem_max.
            socket.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            socket.bind(endpoint);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        Listener listener = new Listener(kind, endpoint, socket, handler, number);
        listener.reader.start();
        LOG.debug("RADIUS {} socket listening on {}", kind == Kind.AUTH ? "authentication" : "accounting", endpoint);
        return listener;
    }

    private void read(DatagramHandler handler) {
        // One octet more than the largest legal packet, so that an oversized datagram is seen as such.
        DatagramPacket packet = new DatagramPacket(new byte[RadiusWire.MAX_LENGTH + 1], RadiusWire.MAX_LENGTH + 1);
        while (!socket.isClosed()) {
            try {
                packet.setLength(RadiusWire.MAX_LENGTH + 1);
                socket.receive(packet);
                byte[] datagram = Arrays.copyOf(packet.getData(), packet.getLength());
                handler.onDatagram(this, datagram, (InetSocketAddress) packet.getSocketAddress());
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                LOG.warn("Receiving on {} failed: {}", endpoint, e.toString());
            } catch (RuntimeException | LinkageError e) {
                // LinkageError: a class of a bundle uninstalled under the call. Ending here would leave the socket
                // bound, its flows still sent to it by the kernel, and nobody reading it.
                LOG.error("A datagram on {} could not be handled; the listener keeps running", endpoint, e);
            }
        }
    }

    @Override
    public void send(byte[] packet, InetSocketAddress destination) {
        try {
            socket.send(new DatagramPacket(packet, packet.length, destination));
        } catch (IOException e) {
            LOG.warn("Sending a response to {} from {} failed: {}", destination, endpoint, e.toString());
        }
    }

    Kind kind() {
        return kind;
    }

    @Override
    public boolean servesAuthentication() {
        return kind == Kind.AUTH;
    }

    @Override
    public boolean servesAccounting() {
        return kind == Kind.ACCOUNTING;
    }

    InetSocketAddress endpoint() {
        return endpoint;
    }

    /** The bound address, with the real port when 0 was asked for. */
    InetSocketAddress boundAddress() throws IOException {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        socket.close();
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
