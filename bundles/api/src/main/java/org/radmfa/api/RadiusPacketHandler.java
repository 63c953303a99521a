package org.radmfa.api;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The RADIUS server's handling of one request packet, for transports other than its own UDP sockets: a RadSec
 * listener (RFC 6614) frames the TLS stream into packets, identifies the client by its certificate and hands each
 * packet here. Everything a datagram goes through happens to it too: structure, authenticators, Message-Authenticator
 * policy, duplicate detection, decoding, the request pipeline or the accounting sinks, Proxy-State echo; a packet
 * that fails any of it is dropped and counted for the client, a well-formed request is always answered.
 *
 * @since 1.11
 */
@ProviderType
public interface RadiusPacketHandler {

    /**
     * Handles one complete RADIUS packet (Access-Request, Accounting-Request or Status-Server; a stream carries both
     * authentication and accounting). Returns at once; the answer, if any, is handed to {@code reply} from whatever
     * thread completes the decision, at most once.
     *
     * @param client the client as the transport identified it; its secret signs and verifies the packets (RadSec:
     *     {@code radsec})
     * @param packet exactly one packet, as long as its Length field says
     * @param source the peer's address and port, for duplicate detection and logs
     * @param reply receives the answer packet
     */
    void handle(RadiusClient client, byte[] packet, InetSocketAddress source, Consumer<byte[]> reply);
}
