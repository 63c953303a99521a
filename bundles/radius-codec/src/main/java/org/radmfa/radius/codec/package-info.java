/**
 * The client side of RADIUS (RFC 2865, RFC 3579, RFC 2548), written from the RFCs and shared by the
 * {@code radmfa:test-auth} probe, the integration tests and the benchmarks: {@link org.radmfa.radius.codec.PacketBuilder}
 * encodes a request (PAP User-Password hiding, CHAP, Vendor-Specific, EAP-Message, Message-Authenticator),
 * {@link org.radmfa.radius.codec.RadiusCrypto} computes and verifies the authenticators on a caller's buffers without
 * allocating, and {@link org.radmfa.radius.codec.RadiusPacket} reads a response's attributes.
 *
 * <p>It deliberately shares no code with the server (which uses TinyRadius), so that tests built on it still catch
 * the server's mistakes; server bundles must not use it. No I/O: callers own their sockets.
 */
@Export
@Version("1.0.0")
package org.radmfa.radius.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
