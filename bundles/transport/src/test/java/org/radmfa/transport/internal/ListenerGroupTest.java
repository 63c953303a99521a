package org.radmfa.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

/** Several sockets on one port: every one of them serves, answers leave from that port, nobody else may join. */
class ListenerGroupTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(),
            0);

    @Test
    void everySocketOfTheGroupServesAndAnswersFromTheSharedPort() throws Exception {
        assumeTrue(Listener.reusePortSupported(), "SO_REUSEPORT is not available here");
        Set<String> readers = ConcurrentHashMap.newKeySet();
        Listener.DatagramHandler echo = (listener, datagram, source) -> {
            readers.add(Thread.currentThread().getName());
            listener.send(datagram, source);
        };
        try (ListenerGroup group = ListenerGroup.open(Listener.Kind.AUTH, ANY_LOOPBACK_PORT, 4, echo)) {
            assertEquals(4, group.size());
            InetSocketAddress bound = group.boundAddress();
            assertTrue(bound.getPort() > 0);
            // The kernel picks a socket by the sender's address and port: many senders reach several sockets.
            for (int sender = 0; sender < 64 && readers.size() < 2; sender++) {
                try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    client.setSoTimeout(2000);
                    byte[] payload = {(byte) sender, 1, 2, 3};
                    client.send(new DatagramPacket(payload, payload.length, bound));
                    DatagramPacket answer = new DatagramPacket(new byte[16], 16);
                    client.receive(answer);
                    assertEquals(bound.getPort(), answer.getPort(), "answered from the port the request went to");
                    assertArrayEquals(payload, java.util.Arrays.copyOf(answer.getData(), answer.getLength()));
                }
            }
            assertTrue(readers.size() >= 2, "requests from 64 senders were read by one socket only: " + readers);
        }
    }

    @Test
    void aPortHeldByAnotherSocketIsRefusedEvenIfThatSocketSharesIt() throws Exception {
        assumeTrue(Listener.reusePortSupported(), "SO_REUSEPORT is not available here");
        try (DatagramChannel squatter = DatagramChannel.open()) {
            squatter.setOption(java.net.StandardSocketOptions.SO_REUSEPORT, true);
            squatter.bind(ANY_LOOPBACK_PORT);
            InetSocketAddress taken = (InetSocketAddress) squatter.getLocalAddress();
            assertThrows(BindException.class, () -> ListenerGroup.open(Listener.Kind.AUTH, taken, 2,
                    (listener, datagram, source) -> { }).close());
        }
    }

    /**
     * A handler that throws a LinkageError (a class of a bundle uninstalled under the call) must not end the reading
     * thread: the socket would stay bound, its flows still sent to it by the kernel, and never read again.
     */
    @Test
    void theReadingThreadOutlivesAHandlerThatThrowsALinkageError() throws Exception {
        Listener.DatagramHandler handler = (listener, datagram, source) -> {
            if (datagram[0] == 0) {
                throw new NoClassDefFoundError("org/example/Uninstalled");
            }
            listener.send(datagram, source);
        };
        try (ListenerGroup group = ListenerGroup.open(Listener.Kind.AUTH, ANY_LOOPBACK_PORT, 1, handler);
                DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(5000);
            client.send(new DatagramPacket(new byte[] {0}, 1, group.boundAddress()));
            client.send(new DatagramPacket(new byte[] {1}, 1, group.boundAddress()));
            DatagramPacket answer = new DatagramPacket(new byte[16], 16);
            client.receive(answer);
            assertEquals(1, answer.getData()[0], "the datagram after the error was read and answered");
        }
    }

    @Test
    void oneSocketNeedsNoPortSharing() throws IOException {
        try (ListenerGroup group = ListenerGroup.open(Listener.Kind.ACCOUNTING, ANY_LOOPBACK_PORT, 1,
                (listener, datagram, source) -> { })) {
            assertEquals(1, group.size());
            try (DatagramChannel other = DatagramChannel.open()) {
                assertThrows(BindException.class, () -> other.bind(group.boundAddress()));
            }
        }
    }
}
