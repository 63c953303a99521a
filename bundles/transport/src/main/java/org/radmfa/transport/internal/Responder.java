package org.radmfa.transport.internal;

import java.net.InetSocketAddress;

/**
 * Where the answers to a request go, and what requests it takes: a UDP {@link Listener} serves either authentication
 * or accounting; a stream of another transport (RadSec) serves both.
 */
interface Responder {

    void send(byte[] packet, InetSocketAddress destination);

    boolean servesAuthentication();

    boolean servesAccounting();
}
