package org.radmfa.transport.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound UDP socket and the thread that reads it. Reading is all the thread does besides the cheap checks:
 * decisions complete elsewhere and send through the same channel, which is safe for concurrent senders.
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
    private final DatagramChannel channel;
    private final Thread reader;

    private Listener(Kind kind, InetSocketAddress endpoint, DatagramChannel channel, DatagramHandler handler,
            int number) {
        this.kind = kind;
        this.endpoint = endpoint;
        this.channel = channel;
        this.reader = new Thread(() -> read(handler), "radmfa-radius-" + kind.name().toLowerCase() + "-" + endpoint
                + "-" + number);
        reader.setDaemon(true);
    }

    static boolean reusePortSupported() {
        try (DatagramChannel channel = DatagramChannel.open()) {
            return channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
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
        DatagramChannel channel = DatagramChannel.open();
        try {
            if (reusePort) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            // A gateway's burst must wait in the socket, not be dropped by the kernel; Linux caps this at rmem_max.
            channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            channel.bind(endpoint);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        Listener listener = new Listener(kind, endpoint, channel, handler, number);
        listener.reader.start();
        LOG.debug("RADIUS {} socket listening on {}", kind == Kind.AUTH ? "authentication" : "accounting", endpoint);
        return listener;
    }

    private void read(DatagramHandler handler) {
        // One octet more than the largest legal packet, so that an oversized datagram is seen as such. Direct: the
        // channel reads into it as it is, where a heap buffer costs a temporary direct one and a copy per datagram.
        ByteBuffer buffer = ByteBuffer.allocateDirect(RadiusWire.MAX_LENGTH + 1);
        while (channel.isOpen()) {
            try {
                buffer.clear();
                InetSocketAddress source = (InetSocketAddress) channel.receive(buffer);
                buffer.flip();
                byte[] datagram = new byte[buffer.remaining()];
                buffer.get(datagram);
                handler.onDatagram(this, datagram, source);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("Receiving on {} failed: {}", endpoint, e.toString());
            } catch (RuntimeException e) {
                LOG.error("A datagram on {} could not be handled; the listener keeps running", endpoint, e);
            }
        }
    }

    @Override
    public void send(byte[] packet, InetSocketAddress destination) {
        try {
            channel.send(ByteBuffer.wrap(packet), destination);
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
        return (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public void close() {
        try {
            channel.close();
            reader.join(2000);
        } catch (IOException e) {
            LOG.warn("Closing {} failed: {}", endpoint, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
