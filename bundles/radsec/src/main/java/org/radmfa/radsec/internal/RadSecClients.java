package org.radmfa.radsec.internal;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.radmfa.api.MessageAuthenticatorPolicy;
import org.radmfa.api.RadiusClient;
import org.radmfa.api.SharedSecret;

/**
 * The RadSec clients, one per factory configuration ({@link RadSecClientDefinitions}): which certificate (and
 * network) makes a connection which client. They are apart from the UDP client registry because they are found by
 * certificate, not by source address, and share no secret but {@code radsec}. A plain object of the RadSec
 * component ({@link RadSecServer}), which holds it whether or not a listener is configured.
 */
final class RadSecClients {
    /** RFC 6614 section 2.3: the shared secret over TLS is "radsec". */
    static final SharedSecret RADSEC = SharedSecret.of("radsec");

    /** A RadSec client: its name and how its certificate is recognised. */
    record Entry(String name, CertificateIdentity identity) {
    }

    /** By configuration key; iterated in key order so that a match is the same on every run. */
    private final Map<String, Entry> entries = new TreeMap<>();

    synchronized void put(String key, Entry entry) {
        for (Map.Entry<String, Entry> other : entries.entrySet()) {
            if (!other.getKey().equals(key) && other.getValue().name().equals(entry.name())) {
                throw new IllegalArgumentException("name '" + entry.name() + "' is already a RadSec client");
            }
        }
        entries.put(key, entry);
    }

    synchronized void remove(String key) {
        entries.remove(key);
    }

    synchronized void clear() {
        entries.clear();
    }

    synchronized int size() {
        return entries.size();
    }

    /**
     * The client this certificate (already trusted) from this address is. Over TLS the link is protected, so
     * Message-Authenticator is optional and Proxy-State is not limited (BlastRADIUS does not apply, RFC 6614).
     */
    synchronized Optional<RadiusClient> find(X509Certificate certificate, InetAddress from) {
        for (Entry entry : entries.values()) {
            if (entry.identity().matches(certificate, from)) {
                return Optional.of(new RadiusClient(entry.name(), "radsec:" + entry.identity(), RADSEC,
                        "RADIUS Standard", MessageAuthenticatorPolicy.OPTIONAL, false));
            }
        }
        return Optional.empty();
    }
}
