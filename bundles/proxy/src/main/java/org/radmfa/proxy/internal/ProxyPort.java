package org.radmfa.proxy.internal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * One UDP socket of the proxy towards one remote server, with its own Identifier space (RFC 2865: the Identifier
 * tells apart the requests outstanding from one source port): at most 256 requests in flight, each waiting for an
 * answer that passes its authenticators. An answer that does not (a wrong secret, a forged or late packet) is
 * reported and ignored, as if it had not come: the request waits on and times out.
 */
final class ProxyPort implements AutoCloseable {

    /** Why an answer is not authentic, or null when it is. */
    interface Verifier {
        String problem(byte[] answer);
    }

    /** A request ready to send, with how to verify its answer. */
    record Outgoing(byte[] packet, Verifier verifier) {
    }

    private record Pending(InetSocketAddress to, Verifier verifier, CompletableFuture<byte[]> answer) {
    }

    private final DatagramSocket socket;
    private final Thread reader;
    private final Pending[] slots = new Pending[256];
    private final Consumer<String> badAnswer;
    private int next;
    private int inFlight;
    private volatile boolean closed;

    ProxyPort(String name, Consumer<String> badAnswer) throws SocketException {
        this.socket = new DatagramSocket();
        this.badAnswer = badAnswer;
        this.next = new java.security.SecureRandom().nextInt(256);
        this.reader = new Thread(this::read, "radmfa-proxy-" + name + "-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Sends the request built for a free Identifier.
     *
     * @return the answer, which the caller bounds with a timeout and then {@link #release}s; null when all 256
     *     Identifiers are in use
     */
    CompletableFuture<byte[]> send(InetSocketAddress to, IntFunction<Outgoing> build) throws IOException {
        int identifier;
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        synchronized (slots) {
            if (inFlight == 256 || closed) {
                return null;
            }
            while (slots[next] != null) {
                next = (next + 1) & 0xFF;
            }
            identifier = next;
            next = (next + 1) & 0xFF;
            inFlight++;
            // Reserved before it is built, so that no other request takes the Identifier meanwhile.
            slots[identifier] = new Pending(to, unsent -> "not sent yet", answer);
        }
        Outgoing outgoing;
        try {
            outgoing = build.apply(identifier);
        } catch (RuntimeException e) {
            release(identifier, answer);
            throw e;
        }
        synchronized (slots) {
            slots[identifier] = new Pending(to, outgoing.verifier(), answer);
        }
        answer.whenComplete((ok, failure) -> release(identifier, answer));
        try {
            socket.send(new DatagramPacket(outgoing.packet(), outgoing.packet().length, to));
        } catch (IOException e) {
            answer.completeExceptionally(e);
        }
        return answer;
    }

    private void release(int identifier, CompletableFuture<byte[]> answer) {
        synchronized (slots) {
            if (slots[identifier] != null && slots[identifier].answer() == answer) {
                slots[identifier] = null;
                inFlight--;
            }
        }
    }

    int inFlight() {
        synchronized (slots) {
            return inFlight;
        }
    }

    private void read() {
        byte[] buffer = new byte[Wire.MAX_LENGTH];
        while (!closed) {
            DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(datagram);
            } catch (IOException e) {
                if (!closed) {
                    badAnswer.accept("socket failed: " + e.getMessage());
                }
                continue;
            }
            byte[] answer = Arrays.copyOf(buffer, datagram.getLength());
            String structure = Wire.structureProblem(answer, answer.length);
            if (structure != null) {
                badAnswer.accept("malformed answer from " + datagram.getSocketAddress() + ": " + structure);
                continue;
            }
            Pending pending;
            synchronized (slots) {
                pending = slots[answer[1] & 0xFF];
            }
            if (pending == null || !pending.to().equals(datagram.getSocketAddress())) {
                badAnswer.accept("answer from " + datagram.getSocketAddress() + " with identifier "
                        + (answer[1] & 0xFF) + " matches no request in flight (late, duplicate or foreign)");
                continue;
            }
            String problem = pending.verifier().problem(Arrays.copyOf(answer, ((answer[2] & 0xFF) << 8)
                    | (answer[3] & 0xFF)));
            if (problem != null) {
                badAnswer.accept("answer from " + datagram.getSocketAddress() + " ignored: " + problem);
                continue;
            }
            pending.answer().complete(Arrays.copyOf(answer, ((answer[2] & 0xFF) << 8) | (answer[3] & 0xFF)));
        }
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
        synchronized (slots) {
            for (Pending pending : slots) {
                if (pending != null) {
                    pending.answer().completeExceptionally(new IOException("the proxy's socket was closed"));
                }
            }
        }
    }
}
